"""Leaf rules (`% @leaf`, docs/authoring.md): the parameter and window lookups run as plain rules, the
solver records no instance of them, and the model still knows they hold (docs/explanations.md)."""
import re

import clingo
import pytest
from clingo import Function, Number

from conftest import EXAMPLE, ROOT
from wfikb.errors import PolicyError
from wfikb.facts import scenario_facts
from wfikb.loader import Policy
from wfikb.scenario import load
from wfikb.testing import exercised_rules

LEAVES = {"core.parameter_in_force", "core.in_force"}


def corpus_sample():
    return [load(p) for p in sorted((ROOT / "scenarios").rglob("*.toml"))[::12]]


def test_the_lookups_are_leaves_and_go_into_the_program_unrecorded(engine):
    policy = engine.policy
    leaves = {policy.clauses[k].rule.id for k in policy.leaf_clauses}
    assert leaves == LEAVES
    assert set(policy.leaves) == {("p", 3), ("in_force", 2)}
    text = policy.program_text
    assert "p(S,N,V) :- today(S,D); param(N,V,F,T); F <= D; D <= T." in text
    assert "in_force(S,W) :- today(S,D); window(W,F,T); F <= D; D <= T." in text
    recorded = {int(k) for k in re.findall(r"_fired\((\d+),", text)}
    assert recorded and not recorded & set(policy.leaf_clauses)


def test_the_model_reports_the_same_lookups_plain_clingo_derives_without_records(engine):
    scenarios = corpus_sample()
    evaluations = engine.evaluate_batch(scenarios)
    ctl = clingo.Control(["--warn=none"])
    ctl.add("base", [], engine.policy.plain_program_text)
    ctl.add("base", [], "#show p/3. #show in_force/2.")
    with ctl.backend() as be:
        for i, sc in enumerate(scenarios):
            for sym in scenario_facts(i, sc):
                be.add_rule([be.add_atom(sym)])
    ctl.ground([("base", [])])
    plain: set = set()
    ctl.solve(on_model=lambda m: plain.update(m.symbols(shown=True)))
    ours = set()
    windows = 0
    for ev in evaluations:
        m = ev.model
        assert not [c for c, _ in m.own_instances() if c.rule.id in LEAVES]      # nothing recorded
        ours |= set(m.atoms_of(("p", 3))) | set(m.atoms_of(("in_force", 2)))
        windows += len(m.atoms_of(("in_force", 2)))
        for sym in m.atoms_of(("p", 3)):
            assert m.holds(sym) and m.candidates(sym)[0][0].rule.id == "core.parameter_in_force"
        assert not m.holds(Function("p", [m.s, Function("no_such_parameter"), Number(1)]))
    assert ours == plain and windows > 0


def test_a_parameter_is_still_one_leaf_and_a_window_still_explains_why_not(engine):
    found = 0
    for ev in engine.evaluate_batch(corpus_sample()):
        for c, env in ev.model.own_instances():
            if any(cond.kind == "pos" and cond.node[1] == "p" for cond in c.conds):
                from wfikb.terms import instantiate
                tree = ev.derivation.tree(instantiate(c.head, env))
                leaves = [n for n in tree.children if n.kind == "parameter"]
                assert leaves and all(not n.children and " on this date, in force from " in n.text for n in leaves)
                found += 1
                break
    assert found
    ev = engine.evaluate(load(EXAMPLE))
    d = ev.derivation
    s = ev.model.s
    # in_force/2 asked directly: derived through the leaf rule, with its window as words.
    held = [a for a in ev.model.atoms_of(("in_force", 2))]
    assert held, "the example's date is after SI 2011/2428"
    tree = d.tree(held[0])
    assert tree.kind == "derived" and tree.rule == "core.in_force"
    missing = Function("in_force", [s, Function("carer_support_payment_2023")])
    answer = d.why_not(missing)
    assert not answer.holds and answer.attempts[0].reason == "comparison"


def test_coverage_counts_the_leaf_rules_as_exercised(engine):
    used = exercised_rules(engine.evaluate_batch(corpus_sample()))
    assert LEAVES <= used
    assert "params.esa.wra_child_age" in used or any(r.startswith("param") for r in used)


@pytest.mark.parametrize("body, message", [
    ("q(S) :- today(S, D), not r(S).", "only positive atoms and comparisons"),
    ("q(S) :- today(S, D), r(S).", "is derived by rule t.r"),
    ("q(a) :- today(S, D).", "head whose first argument is S"),
])
def test_a_leaf_that_the_model_could_not_compute_is_refused(body, message):
    text = ("% @rule t.r\n% @cite x\n% @text r\nr(S) :- today(S, _).\n"
            f"% @rule t.q\n% @cite x\n% @text q\n% @leaf\n{body}\n")
    with pytest.raises(PolicyError, match=message):
        Policy([("t.lp", text)])
