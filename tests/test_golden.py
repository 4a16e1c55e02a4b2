"""Whole results, explanations included, for a few scenarios a reader would check by hand.

Each golden file is the reviewed `wfikb evaluate --format json` output (policy version left out).
A change to a rule, its citation or its text shows here as a diff to review. To accept a reviewed
change: WFIKB_REGENERATE=1 python -m pytest tests/test_golden.py
"""
import json
import os

import pytest

from conftest import ROOT
from wfikb import result as results
from wfikb.scenario import load

GOLDEN = ROOT / "tests" / "golden"
CASES = [
    "scenarios/examples/wrag-appellant-new-joiners.toml",
    "scenarios/uc/uc-case17-child-aged-2-missed-wfi-childcare.toml",
    "scenarios/esa/esa-os-carer-premium.toml",
    "scenarios/esa/esa-ns-carers-allowance.toml",
    "scenarios/income_support/is-lp-wra-third-birthday.toml",
    "scenarios/letters/letter-partner-carer-esa-2016.toml",
    "scenarios/uc/uc-cet-couple-partner-carer-of-1-year-old.toml",
]


@pytest.mark.parametrize("case", CASES)
def test_the_whole_result_and_explanation_match_the_reviewed_golden_file(engine, case):
    res = results.result(engine.evaluate(load(ROOT / case)))
    res.pop("policy")
    path = GOLDEN / (load(ROOT / case).id + ".json")
    if os.environ.get("WFIKB_REGENERATE"):
        path.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
    assert res == json.loads(path.read_text())
