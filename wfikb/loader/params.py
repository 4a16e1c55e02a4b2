"""Dated parameters in the policy text: ground `param(Name, Value, From, To)` facts, and how a later
file's fact overrides an earlier one's values for a window (an overlay changing a parameter from a
date). Days are YYYYMMDD integers; `FOREVER` and 0 are open ends."""
from __future__ import annotations

import datetime as dt

import clingo
from clingo.ast import ASTType

from wfikb import terms
from wfikb.loader.policy import FOREVER


def param_overrides(read, disabled_by) -> dict:
    """Parameter name -> [(From, To, file number)] of each ground `param(Name, V, From, To)` fact
    in force (not switched off). A later file's fact replaces the values of Name that earlier
    files give within [From, To] (an overlay overrides a parameter for a window); the shipped
    policy's own windows for one name never overlap."""
    out: dict = {}
    for i, (_, _, statements) in enumerate(read):
        for rule, st in statements:
            fact = None if st.body or rule.id in disabled_by else param_fact(st)
            if fact is not None:
                out.setdefault(fact[0], []).append((fact[2], fact[3], i))
    return out


def param_fact(st):
    """(Name, Value, From, To) of a ground `param/4` fact with integer From and To, else None."""
    head = st.head
    if head.ast_type != ASTType.Literal or head.atom.ast_type != ASTType.SymbolicAtom:
        return None
    term = head.atom.symbol
    if term.ast_type != ASTType.Function or term.name != "param" or len(term.arguments) != 4:
        return None
    try:
        sym = terms.instantiate(terms.from_ast(term), {})
    except (KeyError, RuntimeError, TypeError, ValueError):
        return None
    name, value, f, t = sym.arguments
    if f.type != clingo.SymbolType.Number or t.type != clingo.SymbolType.Number:
        return None
    return name, value, f.number, t.number


def clip(window: tuple[int, int], overrides: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What is left of `window` outside every override window (days as YYYYMMDD integers)."""
    pieces = [window]
    for of, ot in overrides:
        rest = []
        for f, t in pieces:
            if ot < f or of > t:
                rest.append((f, t))
                continue
            if f < of:
                rest.append((f, day(of, -1)))
            if ot < t:
                rest.append((day(ot, 1), t))
        pieces = rest
    return pieces


def day(n: int, delta: int) -> int:
    """The YYYYMMDD integer `delta` days from n (open ends stay open)."""
    if n >= FOREVER or n <= 0:
        return n
    d = dt.date.fromisoformat(iso(n)) + dt.timedelta(days=delta)
    return int(d.strftime("%Y%m%d"))


def with_window(st, f: int, t: int):
    """The fact `param(Name, V, From, To).` with From and To replaced."""
    atom = st.head.atom
    term = atom.symbol
    loc = term.location
    args = list(term.arguments[:2]) + [clingo.ast.SymbolicTerm(loc, clingo.Number(f)),
                                       clingo.ast.SymbolicTerm(loc, clingo.Number(t))]
    return st.update(head=st.head.update(atom=atom.update(symbol=term.update(arguments=args))))


def iso(n: int) -> str:
    return f"{n // 10000:04d}-{n // 100 % 100:02d}-{n % 100:02d}"
