"""Regimes and statuses read as words wherever people read them (text, Markdown, rule texts), from
the words declared once with the outputs (wfikb/model.py); JSON keeps the identifiers."""
import re

from conftest import ROOT, wfikb
from wfikb import render, result as results, vocabulary as voc
from wfikb.model import Regime, Status
from wfikb.scenario import load

UC_CHILD_UNDER_1 = ROOT / "scenarios" / "examples" / "timeline-uc-lone-parent-child-turns-1-2-3.toml"
UC_WORK_PREP = ROOT / "scenarios" / "uc" / "uc-case17-child-aged-2-missed-wfi-childcare.toml"
RAW_REGIME = re.compile(r"\b(" + "|".join(voc.REGIMES) + r")\b")


def test_every_regime_and_status_of_the_vocabulary_has_words():
    assert set(Regime.WORDS) == set(voc.REGIMES) == set(Regime.SECTIONS)
    assert set(Status.WORDS) == set(voc.STATUSES)
    assert Regime("no_work_related_requirements").words() == "no work-related requirements (WRA 2012 s.19)"
    assert Status.status_words("not_permitted") == "not permitted"


def test_the_evaluate_summary_names_the_regime_and_statuses_in_words():
    run = wfikb("evaluate", UC_CHILD_UNDER_1)
    assert run.code == 0, run.err
    assert "Regime: no work-related requirements (WRA 2012 s.19)" in run.out.splitlines()
    assert not [line for line in run.out.splitlines() if line.startswith("Regime") and RAW_REGIME.search(line)]
    run = wfikb("evaluate", ROOT / "scenarios" / "examples" / "wrag-appellant-new-joiners.toml")
    assert "  work_programme             not permitted  no sanction risk" in run.out.splitlines()
    assert "not_permitted  " not in run.out


def test_a_rule_text_naming_the_regime_it_reads_says_it_in_words(engine):
    ev = engine.evaluate(load(UC_WORK_PREP))
    assert ev.model.regime() == "work_preparation"
    d = ev.derivation
    texts = [t.text for t in (d.tree(sym) for sym in results.conclusion_atoms(ev))]
    fund = [t for t in texts if "Flexible Support Fund" in t]
    assert fund == ["A Universal Credit claimant in the work-focused interview and work preparation group can be "
                    "considered for the Flexible Support Fund (a discretionary, locally managed budget, subject "
                    "to eligibility)."]
    assert not [t for t in texts if "work_preparation group" in t]
    # JSON keeps the identifiers: scripts read them
    assert results.result(ev)["regime"] == "work_preparation"
    assert '"regime":"work_preparation"' in render.to_json(results.result(ev))


def test_the_timeline_names_regimes_and_statuses_in_words():
    run = wfikb("timeline", UC_CHILD_UNDER_1, "--until", "2019-09-20")
    assert run.code == 0, run.err
    assert "  regime: no work-related requirements (WRA 2012 s.19) -> work-focused interview requirement only " \
           "(WRA 2012 s.20)" in run.out
    md = wfikb("timeline", UC_CHILD_UNDER_1, "--until", "2019-09-20", "--format", "md")
    assert "- regime: no work-related requirements (WRA 2012 s.19)" in md.out
    for out in (run.out, md.out):
        assert not [line for line in out.splitlines() if line.lstrip("- ").startswith("regime:")
                    and RAW_REGIME.search(line)]
    run = wfikb("timeline", ROOT / "scenarios" / "examples" / "wrag-appellant-new-joiners.toml", "--until", "2013-09-03")
    assert "  activity work_programme: not permitted, no sanction risk" in run.out.splitlines()
