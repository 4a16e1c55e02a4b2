"""Every seed statement that decides an outcome (kind R) or is a conclusion to cite (kind C) is
encoded by a rule citing its number, and that rule is exercised by a shipped scenario.
The numbers are those of ../shared/domain/seed-statements.md."""
import re

import pytest

from conftest import ROOT
from wfikb import testing

DECIDING = ["S0.1", "S0.2", "S0.6", "S0.7", "S0.8", "S0.9", "S0.12", "S0.13", "S0.14", "S0.15", "S0.16",
            "S0.17", "S0.18", "S0.19", "S0.20", "S1.2", "S1.5", "S1.6", "S2.2", "S3.2", "S3.3", "S3.4",
            "S3.5", "S3.6", "S3.7", "S3.8", "S3.12", "S3.14", "S4.1", "S4.2", "S4.3", "S4.5"]
CONCLUSIONS = ["S0.3", "S0.4", "S0.11", "S1.1", "S1.3", "S1.7", "S3.9", "S3.10", "S3.11", "S3.13", "S3.15",
               "S3.16", "S3.18", "S3.19", "S3.20", "S4.4"]


@pytest.fixture(scope="module")
def exercised(engine):
    evaluations, _ = testing.run(engine, [str(ROOT / "scenarios")])
    return testing.exercised_rules(evaluations)


@pytest.mark.parametrize("number", DECIDING + CONCLUSIONS)
def test_seed_statement_is_encoded_by_a_cited_rule_that_a_scenario_exercises(engine, exercised, number):
    pattern = re.compile(rf"\b{re.escape(number)}\b(?!\.\d)")
    citing = [r.id for r in engine.policy.rules.values() if pattern.search(r.cite)]
    assert citing, f"no rule cites seed {number}"
    assert set(citing) & exercised, f"no scenario exercises the rules citing {number}: {citing}"
