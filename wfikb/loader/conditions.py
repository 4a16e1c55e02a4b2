"""A rule's body read into typed conditions (`Pos`, `Neg`, `Cmp`, `Agg`), the body checked, and the
`% @leaf` marks and `in_force(S, Name)` literals found (docs/authoring.md)."""
from __future__ import annotations

import re

import clingo
from clingo.ast import ASTType

from wfikb import terms
from wfikb.errors import PolicyError
from wfikb.loader import annotations
from wfikb.loader.policy import SCENARIO_VAR, Agg, Cmp, Cond, Neg, Pos
from wfikb.loader.rewrite import guard_variables, variables


LEAF_RE = re.compile(r"^\s*%\s*@leaf\s*$")


def leaf_ids(text: str, blocks) -> set[str]:
    """Ids of the rules whose annotation block holds a `% @leaf` line (docs/authoring.md)."""
    out = set()
    for no, line in enumerate(text.splitlines(), 1):
        if LEAF_RE.match(line):
            rule = annotations.covering(blocks, no)
            if rule is None:
                raise PolicyError(f"{rule_file(blocks)}:{no}: @leaf before any @rule")
            out.add(rule.id)
    return out


def rule_file(blocks) -> str:
    return next((r.file for _, r in blocks if r is not None), "policy")


def named_window(term) -> str | None:
    """Name of the window in in_force(S, Name) with Name a constant; None for any other atom."""
    if term.ast_type == ASTType.Function and term.name == "in_force" and len(term.arguments) == 2:
        s, name = term.arguments
        if s.ast_type == ASTType.Variable and s.name == SCENARIO_VAR:
            if name.ast_type == ASTType.SymbolicTerm and name.symbol.type == clingo.SymbolType.Function \
                    and not name.symbol.arguments:
                return name.symbol.name
            if name.ast_type == ASTType.Function and not name.arguments and name.name:
                return name.name
    return None


def body(body, where: str) -> list:
    """The body's literals, checked; `#true` (and `not #false`) left out, as they always hold."""
    out = []
    for lit in body:
        if lit.ast_type != ASTType.Literal:
            raise PolicyError(f"{where}: conditional literals are not allowed")
        if lit.sign == 2:
            raise PolicyError(f"{where}: 'not not' is not allowed")
        t = lit.atom.ast_type
        if t == ASTType.BooleanConstant:
            if bool(lit.atom.value) != (lit.sign == 1):
                continue
            raise PolicyError(f"{where}: a condition that never holds (#false): the rule could never fire")
        if t not in (ASTType.SymbolicAtom, ASTType.Comparison, ASTType.BodyAggregate, ASTType.Aggregate):
            raise PolicyError(f"{where}: unsupported body element {lit.atom}")
        out.append(lit)
    return out


def condition(lit) -> Cond:
    atom = lit.atom
    if atom.ast_type == ASTType.SymbolicAtom:
        if lit.sign == 0:
            return Pos(terms.from_ast(atom.symbol), variables(atom.symbol), str(atom.symbol))
        return Neg(terms.from_ast(atom.symbol), variables(atom.symbol) - {"_"}, f"not {atom.symbol}")
    if atom.ast_type == ASTType.Comparison:
        assigns = None
        if len(atom.guards) == 1 and atom.guards[0].comparison == clingo.ast.ComparisonOperator.Equal \
                and atom.term.ast_type == ASTType.Variable:
            assigns = atom.term.name
        template = terms.comparison_from_ast(atom)
        return Cmp(template, variables(atom), terms.show_comparison(template), assigns)
    return Agg(str(lit), guard_variables(atom), str(lit))
