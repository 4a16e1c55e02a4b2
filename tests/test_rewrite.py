"""Each rewrite of the loader, shown on an input program and the program it must give
(tests/fixtures/rewrite/NAME.in.lp -> NAME.out.lp)."""
from pathlib import Path

from clingo import ast
from clingo.ast import ASTType

from wfikb.loader.load import _condition
from wfikb.loader.rewrite import InForceGuard, NameAnonymous, RecordFiring, safe_order, variables

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rewrite"


def rules(name: str) -> list:
    out = []
    ast.parse_string((FIXTURES / name).read_text(), out.append)
    return [st for st in out if st.ast_type == ASTType.Rule]


def expected(name: str) -> list[str]:
    return [str(st) for st in rules(name)]


def test_name_anonymous_names_each_anonymous_variable_of_a_positive_atom():
    assert [str(NameAnonymous()(r)) for r in rules("name_anonymous.in.lp")] == expected("name_anonymous.out.lp")


def test_in_force_guard_puts_the_window_first():
    guard = InForceGuard((20110601, 20170331))
    assert [str(guard(r)) for r in rules("in_force_guard.in.lp")] == expected("in_force_guard.out.lp")


def test_in_force_support_defines_the_guard_for_each_window_used():
    assert [str(r) for r in InForceGuard.support({(20170403, 99991231), (0, 20170402)})] == \
        expected("in_force_support.out.lp")


def test_record_firing_splits_each_rule_into_its_record_and_its_head():
    got = [str(st) for k, r in enumerate(rules("record_firing.in.lp")) for st in RecordFiring(k)(r)]
    assert got == expected("record_firing.out.lp")


def test_safe_order_tests_each_condition_once_its_variables_are_bound():
    got = []
    for r in rules("safe_order.in.lp"):
        conds = [_condition(lit) for lit in r.body]
        order = safe_order(conds, set(variables(r.head)))
        got.append(str(r.update(body=[r.body[next(i for i, c in enumerate(conds) if c is o)] for o in order])))
    assert got == expected("safe_order.out.lp")
