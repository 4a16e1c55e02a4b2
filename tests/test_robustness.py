"""Refusals (issue 13): broken invariants, several answer sets, contradictory circumstances, time limits."""
import shutil

import pytest

from conftest import EXAMPLE, ROOT, wfikb
from wfikb.scenario import from_dict

HEAD = "% @rule {id}\n% @cite Test overlay\n% @text {text}\n"


def overlay(write, name, *rules):
    return write(name, "".join(HEAD.format(id=i, text=t) + body + "\n" for i, t, body in rules))


UC = """id = "uc-case"
date = 2020-06-01
[claimant]
born = 1990-01-01
benefit = "universal_credit"
capability = "fit_for_work"
[ask]
activities = ["wfi", "work_search"]
"""


# ------------------------------------------------------------------ invariants (policy/core/invariants.lp)
def test_an_overlay_that_yields_two_regimes_is_refused_naming_the_invariant_and_the_rules(write):
    case = write("uc.toml", UC)
    extra = overlay(write, "two.lp", ("whatif.second_regime", "A second regime.",
                                      "regime(S, work_preparation) :- benefit(S, universal_credit)."))
    r = wfikb("evaluate", case, "--overlay", extra)
    assert r.code == 2 and r.out == ""
    [line] = r.err.splitlines()
    assert line.startswith(f"wfikb: error: {case}: scenario uc-case: refused: invariant invariant.one_regime broken: "
                           "Two regimes were derived for one claimant: ")
    assert line.endswith("; rules involved: uc.s22.all_work_related_requirements, whatif.second_regime")


def test_an_activity_both_mandatory_and_not_permitted_is_refused(write):
    case = write("uc.toml", UC)
    extra = overlay(write, "np.lp", ("whatif.forbid", "Forbidden.", "status(S, A, not_permitted) :- asked(S, A)."))
    r = wfikb("evaluate", case, "--overlay", extra, "--format", "json")
    assert r.code == 2 and r.out == ""
    assert "refused: invariant invariant.one_status broken: " in r.err
    assert "whatif.forbid" in r.err and "core.status." in r.err


def test_a_partial_policy_that_leaves_a_uc_claimant_without_a_regime_is_refused(write, tmp_path):
    part = tmp_path / "partial"
    (part / "core").mkdir(parents=True)
    shutil.copy(ROOT / "policy" / "core" / "status.lp", part / "core" / "status.lp")
    case = write("uc.toml", UC)
    r = wfikb("evaluate", case, "--policy", part)
    assert r.code == 2 and r.out == ""
    assert r.err.strip() == (f"wfikb: error: {case}: scenario uc-case: refused: invariant invariant.uc_has_regime "
                             "broken: The claimant receives Universal Credit, but no rule placed them in a regime; "
                             "rules involved: none (no rule derived the missing conclusion)")


def test_a_partial_policy_that_leaves_an_asked_activity_without_a_status_is_refused(write, tmp_path):
    part = tmp_path / "partial"
    part.mkdir()
    (part / "regime.lp").write_text(HEAD.format(id="p.regime", text="Regime.") +
                                    "regime(S, work_preparation) :- benefit(S, universal_credit).\n")
    r = wfikb("evaluate", write("uc.toml", UC), "--policy", part)
    assert r.code == 2
    assert "invariant invariant.status_for_each_asked broken: wfi was asked about, but no rule gave it a status" in r.err


def test_a_program_with_several_answer_sets_is_refused(write):
    case = write("uc.toml", UC)
    extra = overlay(write, "even.lp",
                    ("whatif.a", "A.", "whatif_a(S) :- scenario(S), not whatif_b(S)."),
                    ("whatif.b", "B.", "whatif_b(S) :- scenario(S), not whatif_a(S)."))
    r = wfikb("evaluate", case, "--overlay", extra)
    assert r.code == 2 and r.out == ""
    assert f"{case}: scenario uc-case: refused: invariant one_answer_set broken" in r.err
    assert "rules involved: whatif.a, whatif.b" in r.err


def test_an_overlay_cannot_switch_an_invariant_or_a_constraint_off(write):
    for rid in ("invariant.one_regime", "consistency.lone_parent_couple"):
        extra = write(f"{rid}.lp", f"% @disable {rid}\n")
        r = wfikb("evaluate", EXAMPLE, "--overlay", extra)
        assert r.code == 2 and r.out == ""
        assert r.err.startswith(f"wfikb: error: {extra.name}")
        assert r.err.endswith(f".lp: @disable {rid}: invariants and consistency constraints "
                              "cannot be switched off (docs/robustness.md)\n")


def test_the_invariants_mean_the_same_under_plain_clingo():
    """invariants.lp is ordinary rules: plain clingo derives invariant_violated, nothing is hidden."""
    import clingo
    ctl = clingo.Control()
    ctl.load(str(ROOT / "policy" / "core" / "invariants.lp"))
    ctl.add("base", [], "benefit(0, universal_credit). regime(0, a). regime(0, b). asked(0, wfi).")
    ctl.ground([("base", [])])
    got = []
    ctl.solve(on_model=lambda m: got.extend(str(s) for s in m.symbols(atoms=True) if s.name == "invariant_violated"))
    assert sorted(got) == ["invariant_violated(0,one_regime)", "invariant_violated(0,status_for_each_asked)"]


# ------------------------------------------------------------------ contradictory circumstances
BASE = {"id": "c", "date": "2020-06-01", "claimant": {"benefit": "universal_credit", "born": "1990-01-01"},
        "ask": {"activities": ["wfi"]}}

CONTRADICTIONS = [
    ({"claimant": {"lone_parent": True, "couple": True, "children": [{"born": "2019-01-01"}]}},
     "claimant.lone_parent and claimant.couple",
     "consistency.lone_parent_couple: A lone parent is not a member of a couple"),
    ({"claimant": {"benefit": "income_support", "esa_group": "wrag"}},
     "claimant.benefit = income_support and claimant.esa_group = wrag",
     "consistency.esa_group_not_esa: An ESA group (wrag) applies only to an ESA claimant, not to income_support"),
    ({"claimant": {"benefit": "jsa", "new_joiner": True}},
     "claimant.benefit = jsa and claimant.new_joiner", "consistency.new_joiner_not_esa"),
    ({"claimant": {"benefit": "esa_new_style", "capability": "lcw"}},
     "claimant.benefit = esa_new_style and claimant.capability = lcw", "consistency.capability_not_uc"),
    ({"claimant": {"benefit": "income_support", "apprentice": True}},
     "claimant.benefit = income_support and claimant.apprentice", "consistency.apprentice_not_uc"),
    ({"claimant": {"benefit": "esa_income_related", "esa_group": "support_group", "new_joiner": True}},
     "claimant.esa_group = support_group and claimant.new_joiner", "consistency.new_joiner_support_group"),
    ({"claimant": {"children": [{"born": "2000-01-01"}, {"born": "1985-05-01"}]}},
     "claimant.born and claimant.children[2].born",
     "consistency.child_born_before_claimant: Child 2 was born (1985-05-01) before the claimant (1990-01-01)"),
    ({"ask": {"activities": ["wfi"], "missed": ["work_search"]}},
     "ask.missed = work_search",
     "consistency.missed_not_asked: The claimant is said to have missed work_search"),
    ({"date": "2013-04-28"}, "date (2013-04-28) and claimant.benefit = universal_credit",
     "consistency.uc_before_commencement: Universal Credit did not exist on 2013-04-28 (its work-related requirements began on 2013-04-29)"),
]


def _case(change):
    data = {**BASE, **{k: v for k, v in change.items() if k not in ("claimant", "ask")}}
    data["claimant"] = {**BASE["claimant"], **change.get("claimant", {})}
    data["ask"] = change.get("ask", BASE["ask"])
    return from_dict(data, source="case.toml")


@pytest.mark.parametrize("change,facts,because", CONTRADICTIONS, ids=[c[2].split(":")[0] for c in CONTRADICTIONS])
def test_contradictory_circumstances_are_refused_naming_the_smallest_conflicting_facts(engine, change, facts, because):
    from wfikb.errors import ContradictionError
    with pytest.raises(ContradictionError) as e:
        engine.evaluate(_case(change))
    msg = str(e.value)
    assert msg.startswith(f"case.toml: contradictory circumstances: {facts} (")
    assert because in msg
    assert "\n" not in msg


def test_the_core_leaves_out_facts_that_do_not_conflict(engine):
    """Many other facts, two of them in conflict: only those two are named."""
    from wfikb.errors import ContradictionError
    sc = _case({"claimant": {"lone_parent": True, "couple": True, "earnings_monthly": 100, "caring_hours": 10,
                             "children": [{"born": "2019-01-01"}, {"born": "2015-01-01"}]},
                "ask": {"activities": ["wfi", "work_search"], "missed": ["wfi"]}})
    with pytest.raises(ContradictionError, match=r": claimant.lone_parent and claimant.couple \("):
        engine.evaluate(sc)


def test_a_contradictory_scenario_in_a_batch_is_named_by_its_position(engine):
    from wfikb.errors import ContradictionError
    good = _case({})
    bad = _case({"ask": {"activities": ["wfi"], "missed": ["home_interview"]}})
    with pytest.raises(ContradictionError) as e:
        engine.evaluate_batch([good, good, bad])
    assert e.value.index == 2


def test_the_cli_refuses_contradictory_circumstances_in_one_line(write):
    case = write("c.toml", UC.replace('capability = "fit_for_work"', 'lone_parent = true\ncouple = true'))
    r = wfikb("evaluate", case)
    assert r.code == 2 and r.out == ""
    assert r.err == (f"wfikb: error: {case}: contradictory circumstances: claimant.lone_parent and claimant.couple "
                     "(consistency.lone_parent_couple: A lone parent is not a member of a couple)\n")


# ------------------------------------------------------------------ limits
def test_an_overlay_that_grounds_forever_stops_at_the_timeout(write):
    extra = overlay(write, "forever.lp", ("whatif.start", "Start.", "whatif_n(S, 0) :- scenario(S)."),
                    ("whatif.next", "Next.", "whatif_n(S, N + 1) :- whatif_n(S, N)."))
    r = wfikb("evaluate", EXAMPLE, "--overlay", extra, "--timeout", "1")
    assert r.code == 2 and r.out == ""
    assert r.err == ("wfikb: error: grounding ran past the time limit (1 s); a larger --timeout may help, "
                     "or the policy or overlay may ground forever\n")


def test_the_engine_raises_a_limit_error_past_its_timeout():
    """A limit far below what grounding the shipped policy takes (the thread then finishes on its own)."""
    import threading
    from wfikb.engine import Engine
    from wfikb.errors import LimitError
    engine = Engine(timeout=0.0001)
    with pytest.raises(LimitError, match=r"grounding ran past the time limit \(0.0001 s\)"):
        engine.evaluate(_case({}))
    for t in threading.enumerate():
        if t.name == "wfikb-ground":
            t.join()


def test_timeout_must_be_positive():
    r = wfikb("evaluate", EXAMPLE, "--timeout", "0")
    assert r.code == 2 and "Invalid value for '--timeout'" in r.err


def test_solving_past_the_limit_is_cancelled():
    """A hard search (pigeonhole: 13 pigeons, 12 holes) stops at the deadline with a LimitError."""
    import time
    import clingo
    from wfikb.engine import _solve
    from wfikb.errors import LimitError
    ctl = clingo.Control(["--models=2"])
    ctl.add("base", [], "p(1..13). h(1..12). 1 { in(P, H) : h(H) } 1 :- p(P). :- in(P, H), in(Q, H), P < Q.")
    ctl.ground([("base", [])])
    started = time.monotonic()
    with pytest.raises(LimitError, match=r"solving ran past the time limit \(0.5 s\)"):
        _solve(ctl, time.monotonic() + 0.5, 0.5)
    assert time.monotonic() - started < 10
