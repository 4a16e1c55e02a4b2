"""Rewrite each policy rule so the solver records the instance that fired: one transformer per job.

Applied to each rule (not to facts), in this order, by `wfikb.loader.load`:

1. `NameAnonymous`: each `_` in a positive condition gets a name, so its value is recorded and shown.
2. `InForceGuard(window)`: a rule annotated `@in_force FROM..TO` gets `_in_force(S, FROM, TO)` as its
   first condition; `InForceGuard.support(windows)` is the program that defines `_in_force/3`.
3. `RecordFiring(K)`: `H :- B.` becomes `_fired(K, (V1, ..., Vn)) :- B.` and `H :- _fired(K, (V1, ..., Vn)).`
   where K numbers the clause and V1..Vn are its variables (`recorded_variables`).

`safe_order` then orders a clause's conditions for explanations (each tested once its variables are
bound); it does not change the program. Adding a rewrite: one more `ast.Transformer` class here with a
`visit_Rule` and a docstring saying what it adds, a fixture pair in tests/fixtures/rewrite/, and one
line where `load.py` applies the others. Input and output are clingo AST, never pasted text.
"""
from __future__ import annotations

import re

import clingo
from clingo import ast
from clingo.ast import ASTType

from wfikb.loader.policy import SCENARIO_VAR, Cond

FIRED = "_fired"
VIOLATED = "_violated"
IN_FORCE = "_in_force"
WINDOW = "_window"


class NameAnonymous(ast.Transformer):
    """Give each `_` in a positive body atom a name `AnyN_` (N counts up through the rule), so the
    value it matched is recorded and shown. `_` under `not` stays anonymous ("no b(S, anything)")."""

    def visit_Rule(self, rule):
        self._taken = variables(rule)
        if "_" not in self._taken:
            return rule
        self._n = 0
        body = []
        for lit in rule.body:
            if _positive_atom(lit) and "_" in variables(lit.atom.symbol):
                lit = ast.Literal(lit.location, 0, ast.SymbolicAtom(self.visit(lit.atom.symbol)))
            body.append(lit)
        return rule.update(body=body)

    def visit_Variable(self, v):
        if v.name != "_":
            return v
        self._n += 1
        while f"Any{self._n}_" in self._taken:     # never capture a variable the author named so
            self._n += 1
        return ast.Variable(v.location, f"Any{self._n}_")


class InForceGuard(ast.Transformer):
    """Put `_in_force(S, FROM, TO)` first in the body of a rule in force only in that window."""

    def __init__(self, window: tuple[int, int]):
        self.window = window

    def visit_Rule(self, rule):
        f, t = self.window
        return rule.update(body=[_lit(_fn(IN_FORCE, [_var(SCENARIO_VAR), _num(f), _num(t)]))] + list(rule.body))

    @staticmethod
    def support(windows) -> list:
        """`_window(F, T).` for each window used and `_in_force(S, F, T) :- today(S, D), _window(F, T), F <= D, D <= T.`"""
        s, d, f, t = (_var(x) for x in ("S", "D", "F", "T"))
        le = ast.ComparisonOperator.LessEqual
        out = [ast.Rule(_LOC, _lit(_fn(WINDOW, [_num(wf), _num(wt)])), []) for wf, wt in sorted(windows)]
        out.append(ast.Rule(_LOC, _lit(_fn(IN_FORCE, [s, f, t])), [
            _lit(_fn("today", [s, d])), _lit(_fn(WINDOW, [f, t])),
            ast.Literal(_LOC, 0, ast.Comparison(f, [ast.Guard(le, d)])),
            ast.Literal(_LOC, 0, ast.Comparison(d, [ast.Guard(le, t)])),
        ]))
        return out


class RecordFiring(ast.Transformer):
    """Split `H :- B.` into `_fired(K, (V1..Vn)) :- B.` and `H :- _fired(K, (V1..Vn)).`: every
    derivation of H then goes through a record of clause K and the values of all its variables."""

    def __init__(self, index: int, names: list[str] | None = None):
        self.index = index
        self.names = names      # recorded_variables(rule), when the caller has it already

    def visit_Rule(self, rule) -> list:
        names = self.names if self.names is not None else recorded_variables(rule)
        record = _fn(FIRED, [_num(self.index), _tuple([_var(v) for v in names])])
        return [ast.Rule(rule.location, _lit(record), rule.body), ast.Rule(rule.location, rule.head, [_lit(record)])]


class RecordViolation(ast.Transformer):
    """Turn the constraint `:- B.` into `_violated(K, (V1..Vn)) :- B.`: a batch holding a scenario
    whose circumstances conflict still solves, and the record names the constraint and the scenario."""

    def __init__(self, index: int, names: list[str]):
        self.index, self.names = index, names

    def visit_Rule(self, rule):
        record = _fn(VIOLATED, [_num(self.index), _tuple([_var(v) for v in self.names])])
        return ast.Rule(rule.location, _lit(record), rule.body)


def is_constraint(rule) -> bool:
    """A headless rule `:- B.` (its head is the constant #false)."""
    head = rule.head
    return (head.ast_type == ASTType.Literal and head.atom.ast_type == ASTType.BooleanConstant
            and not head.atom.value)


def recorded_variables(rule) -> list[str]:
    """The variables a record carries, sorted: those of the head, of positive and negative atoms
    (not `_`), of comparisons, and of aggregate guards (an aggregate's own variables are local)."""
    if not any(lit.atom.ast_type in (ASTType.BodyAggregate, ASTType.Aggregate) for lit in rule.body):
        return sorted(variables(rule) - {"_"})      # every variable of the rule is then recorded
    head = rule.head
    names = set(variables(head.atom.symbol)) if head.ast_type == ASTType.Literal \
        and head.atom.ast_type == ASTType.SymbolicAtom else set()
    for lit in rule.body:
        atom = lit.atom
        if atom.ast_type in (ASTType.BodyAggregate, ASTType.Aggregate):
            names |= guard_variables(atom)
        else:
            names |= variables(atom)
    return sorted(names - {"_"})


def safe_order(conds: list[Cond], bound: set[str]) -> list[Cond]:
    """Order conditions so each is tested when its variables are bound (source order otherwise)."""
    bound = set(bound)
    todo, out = list(conds), []
    while todo:
        for i, c in enumerate(todo):
            if c.ready(bound):
                out.append(todo.pop(i))
                bound |= c.variables
                break
        else:
            raise ValueError("unsafe rule: a comparison or 'not' uses a variable no positive condition binds")
    return out


# ------------------------------------------------------------------------------ AST helpers
_POS = ast.Position("<wfikb>", 1, 1)
_LOC = ast.Location(_POS, _POS)
_VAR_RE = re.compile(r'"(?:\\.|[^"\\])*"|(?<![A-Za-z0-9_\'])(_*[A-Z][A-Za-z0-9_\']*|_(?![A-Za-z0-9_\']))')


def variables(node) -> frozenset[str]:
    """Variable names in an AST node (read off its text: much faster than walking the AST)."""
    return frozenset(m.group(1) for m in _VAR_RE.finditer(str(node)) if m.group(1))


def guard_variables(agg) -> frozenset[str]:
    out: set[str] = set()
    for g in (agg.left_guard, agg.right_guard):
        if g is not None:
            out |= variables(g.term)
    return frozenset(out)


def _positive_atom(lit) -> bool:
    return lit.ast_type == ASTType.Literal and lit.sign == 0 and lit.atom.ast_type == ASTType.SymbolicAtom


def _fn(name, args):
    return ast.Function(_LOC, name, args, 0)


def _var(name):
    return ast.Variable(_LOC, name)


def _num(n):
    return ast.SymbolicTerm(_LOC, clingo.Number(n))


def _tuple(items):
    return ast.Function(_LOC, "", items, 0)


def _lit(term):
    return ast.Literal(_LOC, 0, ast.SymbolicAtom(term))


class PrefixPredicates(ast.Transformer):
    """Rename every predicate not in `keep` to `prefix + name`, in heads, bodies, aggregates and
    conditions, so a second version of the policy can be grounded beside the first and share only
    the `keep` predicates (the input facts). Used by the exhaustive diff (wfikb.analysis.exhaustive)."""

    def __init__(self, prefix: str, keep):
        self.prefix = prefix
        self.keep = frozenset(keep)

    def visit_SymbolicAtom(self, atom):
        sym = atom.symbol
        if sym.ast_type == ASTType.Function and sym.name not in self.keep:
            return atom.update(symbol=sym.update(name=self.prefix + sym.name))
        if sym.ast_type == ASTType.SymbolicTerm and sym.symbol.type == clingo.SymbolType.Function \
                and sym.symbol.name not in self.keep:
            s = sym.symbol
            return atom.update(symbol=sym.update(symbol=clingo.Function(self.prefix + s.name, s.arguments, s.positive)))
        return atom
