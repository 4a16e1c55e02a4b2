"""policy/ means the same under plain clingo as under wfikb.

Plain clingo reads policy/**/*.lp as written (annotations are only comments, nothing is rewritten)
with every corpus scenario's facts, all in one control (each fact carries its scenario's number);
wfikb evaluates the same batch. Both must derive exactly the same output atoms (regime, status,
sanction_risk, conclude) for every scenario. A rule whose window lived in a comment (the former
`@in_force`) would fire out of its time under plain clingo and break this.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import clingo

from wfikb.engine import Engine
from wfikb.facts import scenario_facts
from wfikb.scenario import load
from wfikb.terms import instantiate
from wfikb.testing import scenario_files

from wfikb.loader import Policy
from wfikb.model import BY_SIGNATURE as OUTPUTS   # the output signatures: regime/2, status/3, ...


ROOT = Path(__file__).resolve().parent.parent


def corpus():
    return [load(p) for p in scenario_files([str(ROOT / "scenarios")])]


def plain_outputs(policy_dir: Path, scenarios) -> dict[int, set[str]]:
    """Output atoms per scenario number, from plain clingo over the .lp files as written."""
    ctl = clingo.Control(["--models=1", "--warn=none"])
    for path in sorted(Path(policy_dir).rglob("*.lp")):
        ctl.load(str(path))
    ctl.add("base", [], "".join(f"#show {name}/{arity}." for name, arity in sorted(OUTPUTS)))
    with ctl.backend() as backend:
        for i, sc in enumerate(scenarios):
            for sym in scenario_facts(i, sc):
                backend.add_rule([backend.add_atom(sym)])
    ctl.ground([("base", [])])
    out: dict[int, set[str]] = defaultdict(set)
    models = []
    ctl.solve(on_model=lambda m: models.append(m.symbols(shown=True)))
    assert len(models) == 1
    for sym in models[0]:
        out[sym.arguments[0].number].add(str(sym))
    return out


def wfikb_outputs(policy_dir: Path, scenarios) -> dict[int, set[str]]:
    engine = Engine(Policy.load([policy_dir]))
    out: dict[int, set[str]] = defaultdict(set)
    for i, ev in enumerate(engine.evaluate_batch(scenarios)):
        # every derived atom is the head of a recorded rule instance (outputs are never scenario facts)
        for clause, env in ev.derivation.own_instances():
            if clause.signature in OUTPUTS:
                out[i].add(str(instantiate(clause.head, env)))
    return out


def differences(policy_dir: Path, scenarios) -> list[str]:
    plain, ours = plain_outputs(policy_dir, scenarios), wfikb_outputs(policy_dir, scenarios)
    found = []
    for i, sc in enumerate(scenarios):
        for atom in sorted(plain[i] - ours[i]):
            found.append(f"{sc.id}: plain clingo derives {atom}, wfikb does not")
        for atom in sorted(ours[i] - plain[i]):
            found.append(f"{sc.id}: wfikb derives {atom}, plain clingo does not")
    return found


def test_plain_clingo_derives_what_wfikb_derives_for_the_whole_corpus():
    scenarios = corpus()
    assert len(scenarios) > 300
    problems = differences(ROOT / "policy", scenarios)
    assert not problems, f"{len(problems)} differences, first: " + "; ".join(problems[:10])


def test_the_comparison_sees_a_rule_out_of_its_window(tmp_path):
    """A window written as a comment (not a body literal) is caught: the check can fail."""
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "toy.lp").write_text(
        "% @rule toy.before_2000\n% @cite test\n% @text A rule of the last century.\n% @in_force ..1999-12-31\n"
        "conclude(S, toy, old_rule) :- scenario(S).\n")
    # This toy policy gives no regime or status, so it brings its own (empty) checks in place of the
    # shipped invariants, which would rightly refuse it.
    (policy / "core").mkdir()
    for name in ("invariants.lp", "consistency.lp"):
        (policy / "core" / name).write_text("% none: a toy policy\n")
    scenarios = corpus()[:3]
    problems = differences(policy, scenarios)
    assert problems and all("plain clingo derives conclude" in p and "toy,old_rule" in p for p in problems)


# ------------------------------------------------------------------ named windows, as the loader reads them
import pytest

from wfikb.errors import PolicyError

CORE = ("% @rule core.in_force\n% @cite IA 1978 s.4\n% @text {W} is in force.\n"
        "in_force(S, W) :- today(S, D), window(W, F, T), F <= D, D <= T.\n")
WINDOWS = ("% @rule commencement.regs_2011\n% @cite Regs 2011 reg 1\n% @text The Regs 2011 apply from 1 June 2011.\n"
           "window(regs_2011, 20110601, 99991231).\n"
           "% @rule commencement.scheme\n% @cite Scheme note\n% @text The scheme ran to March 2017.\n"
           "window(scheme, 20100101, 20170331).\n")


def _policy(text: str) -> Policy:
    return Policy([("p/core.lp", CORE), ("p/rules.lp", WINDOWS + text)])


def test_a_rule_is_shown_in_force_in_the_window_its_in_force_literal_names():
    policy = _policy("% @rule t.a\n% @cite C\n% @text T.\na(S) :- in_force(S, regs_2011), scenario(S).\n")
    rule = policy.rules["t.a"]
    assert rule.window == (20110601, 99991231) and rule.window_text == "2011-06-01 to now"
    (cond,) = [c for c in rule.clauses[0].conds if c.kind == "in_force"]
    assert cond.node == (20110601, 99991231)
    # the literal stays in the program, so the solver, not a comment, decides the window
    assert any("in_force(S,regs_2011)" in line for line in policy.program_text.splitlines())


def test_several_windows_in_one_body_overlap_and_not_in_force_reads_before_the_start():
    policy = _policy("% @rule t.a\n% @cite C\n% @text T.\na(S) :- in_force(S, regs_2011), in_force(S, scheme), scenario(S).\n"
                     "% @rule t.b\n% @cite C\n% @text T.\nb(S) :- scenario(S), not in_force(S, regs_2011).\n")
    assert policy.rules["t.a"].window_text == "2011-06-01 to 2017-03-31"
    assert policy.rules["t.b"].window_text == "… to 2011-05-31"


@pytest.mark.parametrize("text, message", [
    ("% @rule t.a\n% @cite C\n% @text T.\na(S) :- in_force(S, regs_2012), scenario(S).\n",
     "p/rules.lp:12: rule t.a: in_force(S, regs_2012): no window(regs_2012, From, To) fact"),
    ("% @rule t.a\n% @cite C\n% @text T.\na(S) :- scenario(S), not in_force(S, regs_2012).\n",
     "no window(regs_2012, From, To) fact"),
    ("% @rule commencement.again\n% @cite C\n% @text T.\nwindow(regs_2011, 20110601, 20120101).\n",
     "window regs_2011 is declared twice"),
    ("% @rule t.a\n% @cite C\n% @text T.\na(S) :- in_force(S, regs_2011), scenario(S).\na(S) :- in_force(S, scheme), scenario(S).\n",
     "rule t.a: its clauses are in force in different windows"),
])
def test_a_window_named_but_not_declared_or_declared_twice_is_refused(text, message):
    with pytest.raises(PolicyError, match=re.escape(message)):
        _policy(text)
