"""The shipped policy against the shipped scenarios: every [expect] holds and every rule is exercised."""
import pytest

from conftest import EXAMPLE, ROOT, wfikb
from wfikb import result as results, testing
from wfikb.graph import unfold
from wfikb.scenario import load


@pytest.fixture(scope="module")
def corpus(engine):
    return testing.run(engine, [str(ROOT / "scenarios")])


def test_every_scenario_in_the_corpus_meets_its_expectations(corpus):
    _, outcomes = corpus
    failures = {o.scenario.id: o.problems for o in outcomes if o.problems}
    assert failures == {}
    assert all(o.checked for o in outcomes), "every shipped scenario has an [expect]"
    assert len(outcomes) >= 80


def test_every_rule_of_the_policy_is_exercised_by_some_scenario(corpus, engine):
    evaluations, _ = corpus
    used = testing.exercised_rules(evaluations)
    assert sorted({r.id for r in testing.coverable(engine.policy)} - used) == []


def test_every_rule_cites_its_provision(engine):
    for rule in engine.policy.rules.values():
        assert len(rule.cite) > 5 and rule.text, rule.id


def _find(tree, pred):
    if pred(tree):
        return tree
    for child in tree["because"]:
        hit = _find(child, pred)
        if hit:
            return hit
    return None


def _rules(tree):
    out = [tree.get("citation") or ""]
    for c in tree["because"]:
        out += _rules(c)
    return out


def test_the_wrag_appellant_has_the_new_joiners_wfi_but_no_work_programme(engine):
    res = results.result(engine.evaluate(load(EXAMPLE)))
    acts = res["activities"]
    assert acts["new_joiners_wfi"]["status"] == "mandatory" and acts["new_joiners_wfi"]["sanction_risk"] is True
    assert acts["work_programme"]["status"] == "not_permitted" and acts["work_programme"]["sanction_risk"] is False
    assert acts["group_information_session"]["status"] == "voluntary"
    trees = {c["atom"]: c for c in unfold(res["conclusions"])}
    njwfi = trees["activity=new_joiners_wfi:mandatory"]
    wp = trees["activity=work_programme:not_permitted"]
    # each explained down to the scenario's own facts, with the seed statement cited beside the law
    for tree, seed in ((njwfi, "S4.3"), (wp, "S4.1")):
        assert any(seed in c for c in _rules(tree)), seed
        assert _find(tree, lambda n: n.get("key") == "claimant.benefit")
    # the New Joiners WFI is a WFI under ESA Regs 2008 reg 54, whatever the appeal
    assert any("reg 54" in c for c in _rules(njwfi))
    assert _find(wp, lambda n: n.get("key") == "claimant.esa_group")
    assert _find(wp, lambda n: n.get("key") == "claimant.appeal")


def test_the_shipped_example_runs_from_the_readme_command():
    run = wfikb("evaluate", EXAMPLE)
    assert run.code == 0, run.err
    assert "new_joiners_wfi" in run.out and "mandatory" in run.out
