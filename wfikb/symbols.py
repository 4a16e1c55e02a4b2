"""Reading clingo symbols cheaply: name, arguments, kind and text, each read once per symbol.

Every read of a `clingo.Symbol`'s name, arguments, type or text crosses into clingo through cffi
and builds new Python objects; building the explanations of 10,000 scenarios made millions of
such reads, most of them of the same few thousand symbols (a scenario number, an activity, a
rule's head). A symbol is an interned handle (`Symbol._rep`, an integer) whose value never changes
for the life of the process, so what is read is kept here, keyed by the handle: a dictionary
lookup on an integer instead of a crossing. The tables are emptied when they grow past `LIMIT`
entries, so memory stays bounded however many distinct symbols a long batch meets.

What these return is shared: callers read it and never change it.
"""
from __future__ import annotations

from clingo import Function, Symbol, SymbolType

LIMIT = 500_000
_ARGS: dict[int, list[Symbol]] = {}
_NAME: dict[int, str | None] = {}
_TEXT: dict[int, str] = {}
_FUNCTION: dict[tuple, Symbol] = {}
_FN = SymbolType.Function


def args(sym: Symbol) -> list[Symbol]:
    """The symbol's arguments (empty for anything but a function)."""
    r = sym._rep
    found = _ARGS.get(r)
    if found is None:
        if len(_ARGS) > LIMIT:
            _ARGS.clear()
        found = _ARGS[r] = sym.arguments if sym.type == _FN else []
    return found


def name(sym: Symbol) -> str | None:
    """The function's name; None for a number, string, #inf or #sup."""
    r = sym._rep
    try:
        return _NAME[r]
    except KeyError:
        if len(_NAME) > LIMIT:
            _NAME.clear()
        found = _NAME[r] = sym.name if sym.type == _FN else None
        return found


def signature(sym: Symbol) -> tuple[str, int] | None:
    """(name, arity) of a function symbol, else None."""
    n = name(sym)
    return None if n is None else (n, len(args(sym)))


def text(sym: Symbol) -> str:
    """`str(sym)`, read once."""
    r = sym._rep
    found = _TEXT.get(r)
    if found is None:
        if len(_TEXT) > LIMIT:
            _TEXT.clear()
        found = _TEXT[r] = str(sym)
    return found


def function(fname: str, arguments: list[Symbol]) -> Symbol:
    """`clingo.Function(fname, arguments)`, made once per distinct name and arguments."""
    key = (fname, *[a._rep for a in arguments])
    found = _FUNCTION.get(key)
    if found is None:
        if len(_FUNCTION) > LIMIT:
            _FUNCTION.clear()
        found = _FUNCTION[key] = Function(fname, arguments)
    return found
