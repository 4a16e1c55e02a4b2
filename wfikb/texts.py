"""Reader-facing words: rule texts with their variables filled in, the scenario's own facts, and enum
values as the vocabulary words them. (Conclusion names are declared with the outputs, wfikb/model.py.)"""
from __future__ import annotations

import re

from clingo import Symbol, SymbolType

from wfikb import dates, symbols, vocabulary as voc

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*|\d+)(?::(\w+))?\}")
DATE_PREDICATES = {("date_of", 4), ("days_since", 4), ("weekday", 4), ("years_since", 4), ("months_since", 5)}
OTHER_INPUTS = {("scenario", 1), ("today", 2), ("child", 2)}
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

_INPUTS = voc.input_predicates()


def is_input(sig: tuple[str, int]) -> bool:
    return sig in _INPUTS or sig in DATE_PREDICATES or sig in OTHER_INPUTS


# ------------------------------------------------------------------ formatting values
def fmt(sym: Symbol, spec: str | None = None) -> str:
    if sym.type == SymbolType.Number:
        n = sym.number
        if spec == "date":
            try:
                return dates.from_int(n).isoformat()
            except ValueError:
                return "open" if n in (0, 99991231) else str(n)
        if spec == "money":
            sign = "-" if n < 0 else ""
            return f"{sign}£{abs(n) // 100:,}.{abs(n) % 100:02d}"
        if spec == "hours":
            h = n / 100
            return f"{h:g} hours"
        if spec == "days":
            return f"{n} days"
        return str(n)
    if sym.type == SymbolType.String:
        return sym.string
    return symbols.text(sym)


def fill(template: str, env: dict[str, Symbol] | list[Symbol]) -> str:
    """Fill {Var} / {Var:spec} (rule texts) or {1} / {2:spec} (predicate texts, 1-based)."""
    def sub(m):
        key, spec = m.group(1), m.group(2)
        if isinstance(env, list):
            if not key.isdigit() or not 1 <= int(key) <= len(env):
                return m.group(0)
            return fmt(env[int(key) - 1], spec)
        if key not in env:
            return "…"
        return fmt(env[key], spec)
    return PLACEHOLDER.sub(sub, template)


# ------------------------------------------------------------------ the scenario's own facts
def _who(sym: Symbol) -> tuple[str, str]:
    if sym.name == "child":
        c = sym.arguments[0].number
        return f"child {c}", f"claimant.children[{c}]"
    if sym.name == "partner":
        return "the partner", "claimant"
    return "the claimant", "claimant"


def input_text(sym: Symbol) -> tuple[str, str]:
    """(reader text, scenario key) of a fact that came from the scenario."""
    name, args = sym.name, sym.arguments
    sig = (name, len(args))
    if sig == ("scenario", 1):
        return "the scenario", ""
    if sig == ("today", 2):
        return f"the rules are applied on {fmt(args[1], 'date')}", "date"
    if sig == ("child", 2):
        return f"the claimant has child {args[1].number}", f"claimant.children[{args[1].number}]"
    if sig in DATE_PREDICATES:
        who, prefix = _who(args[1])
        key = args[2].name
        if args[1].name == "partner":
            key = next(f.key for f in voc.CLAIMANT if f.who == "partner" and f.date_key == key)
        fdecl = (voc.fields("child") if args[1].name == "child" else voc.fields("claimant")).get(key)
        c = str(args[1].arguments[0].number) if args[1].name == "child" else ""
        base = (fdecl.text or key).replace("{c}", c) if fdecl else key
        where = f"{prefix}.{key}"
        if name == "date_of":
            return base.replace("{v}", fmt(args[3], "date")), where
        if name == "years_since":
            if fdecl is not None and fdecl.date_key == "born":
                return f"{who} is aged {args[3].number}", where
            return f"{args[3].number} complete years have passed since: {base.replace('{v}', 'that date')}", where
        if name == "months_since":
            return (f"{args[3].number} complete months and {args[4].number} days have passed since: "
                    f"{base.replace('{v}', 'that date')}"), where
        if name == "days_since":
            n = args[3].number
            what = base.replace("{v}", "that date")
            return (f"{n} days have passed since: {what}" if n >= 0 else f"{-n} days remain until: {what}"), where
        if name == "weekday":
            return f"{who}'s {key.replace('_', ' ')} falls on a {WEEKDAYS[args[3].number]}", where
    section, f = _INPUTS[sig]
    if section == "child":
        c = args[1].number
        return (f.text or f.key).replace("{c}", str(c)), f"claimant.children[{c}].{f.key}"
    key = f"{section}.{f.key}"
    text = f.text or f.key
    if f.kind == "bool":
        return text, key
    value = args[1]
    if f.kind in ("enum", "enum_list"):
        shown = (enum_meaning(sig, value) or enum_word(value) or value.name) if f.kind == "enum" else value.name
        return text.replace("{v}", shown), key
    spec = {"money": "money", "hours": "hours"}.get(f.kind)
    return text.replace("{v}", fmt(value, spec)), key


# ------------------------------------------------------------------ enum values as words
def enum_meaning(sig: tuple[str, int], value: Symbol) -> str | None:
    """The vocabulary's words for an enum value stated by the scenario fact `sig` (None if not an enum,
    or if its meaning only repeats the identifier)."""
    found = _INPUTS.get(sig)
    if not found or found[1].kind != "enum" or value.type != SymbolType.Function:
        return None
    meaning = found[1].value_meanings.get(value.name)
    return meaning if meaning and value.name not in meaning else None


_WORDS: dict[str, str] | None = None


def enum_word(value: Symbol) -> str | None:
    """The words for an enum value wherever it came from, when the vocabulary gives it exactly one
    meaning (meanings that merely repeat the identifier are not words; `none` has many meanings)."""
    global _WORDS
    if _WORDS is None:
        found: dict[str, set[str]] = {}
        for _, f in _INPUTS.values():
            if f.kind == "enum":
                for v, m in f.value_meanings.items():
                    if v not in m:
                        found.setdefault(v, set()).add(m)
        _WORDS = {v: ms.pop() for v, ms in found.items() if len(ms) == 1}
    n = symbols.name(value)
    if n is None or symbols.args(value):
        return None
    return _WORDS.get(n)


def strip_scenario(sym: Symbol) -> str:
    """An atom as readers see it: without the scenario number."""
    a = symbols.args(sym)
    if a and a[0].type == SymbolType.Number:
        n = symbols.name(sym)
        return f"{n}({','.join(map(symbols.text, a[1:]))})" if len(a) > 1 else n
    return symbols.text(sym)

