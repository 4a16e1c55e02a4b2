"""Reader-facing words: rule texts with their variables filled in, the scenario's own facts, and
conclusion names (`regime=...`, `activity=wfi:mandatory`, `sanction_risk=wfi`, `key=value`)."""
from __future__ import annotations

import re

import clingo
from clingo import Function, Symbol, SymbolType

from wfikb import dates, vocabulary as voc
from wfikb.errors import QueryError

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
    return str(sym)


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
        shown = f.value_meanings.get(value.name, value.name) if f.kind == "enum" else value.name
        return text.replace("{v}", shown), key
    spec = {"money": "money", "hours": "hours"}.get(f.kind)
    return text.replace("{v}", fmt(value, spec)), key


# ------------------------------------------------------------------ conclusion names
OUTPUTS = {("regime", 2), ("status", 3), ("sanction_risk", 2), ("conclude", 3)}


def conclusion_name(sym: Symbol) -> str:
    a = sym.arguments
    if sym.name == "regime":
        return f"regime={a[1]}"
    if sym.name == "status":
        return f"activity={a[1]}:{a[2]}"
    if sym.name == "sanction_risk":
        return f"sanction_risk={a[1]}"
    if sym.name == "conclude":
        return f"{a[1]}={a[2]}"
    return str(Function(sym.name, a[1:])) if a else str(sym)


MAX_NAME = 200
NOT_A_NAME = ("not a conclusion name; expected e.g. regime=work_preparation, activity=wfi:mandatory, "
              "sanction_risk=wfi, letter=let_6, or an atom such as uc_within(s20)")


def parse_conclusion(name: str, s: Symbol) -> Symbol:
    """The atom a conclusion name stands for, in scenario s. Raises QueryError when unreadable:
    not printable ASCII, not a term, or a scenario fact whose arguments do not fit it."""
    text = name.strip()
    if not text.isascii() or not text.isprintable() or not 0 < len(text) <= MAX_NAME:
        raise QueryError(name, f"expected a name in printable ASCII of at most {MAX_NAME} characters, "
                               "e.g. regime=work_preparation")
    try:
        atom = _conclusion_atom(name, text, s)
    except RuntimeError:
        raise QueryError(name, NOT_A_NAME) from None
    if is_input((atom.name, len(atom.arguments))):
        # A scenario fact is shown through the vocabulary; one that cannot be (benefit(1),
        # child(x), date_of(1,2,3)) cannot be a fact of any scenario.
        try:
            input_text(atom)
        except (RuntimeError, LookupError, ValueError, StopIteration, AttributeError, TypeError):
            raise QueryError(name, f"{atom.name}/{len(atom.arguments) - 1} is a scenario fact and these "
                                   "arguments do not fit it (see `wfikb vocabulary`)") from None
    return atom


def _conclusion_atom(name: str, text: str, s: Symbol) -> Symbol:
    if "=" in text:
        key, value = (x.strip() for x in text.split("=", 1))
        if key == "regime":
            return Function("regime", [s, _term(value)])
        if key == "activity":
            if ":" not in value:
                raise QueryError(name, "expected activity=ACTIVITY:STATUS, e.g. activity=wfi:mandatory")
            act, status = value.split(":", 1)
            return Function("status", [s, _term(act), _term(status)])
        if key == "sanction_risk":
            return Function("sanction_risk", [s, _term(value)])
        return Function("conclude", [s, _term(key), _term(value)])
    term = _term(text)
    if term.type != SymbolType.Function or not term.name:
        raise QueryError(name, "expected a conclusion such as regime=work_preparation or an atom such as uc_within(s20)")
    return Function(term.name, [s, *term.arguments])


def _term(text: str) -> Symbol:
    if not text:
        raise RuntimeError("empty")
    return clingo.parse_term(text, logger=lambda c, m: None)


def strip_scenario(sym: Symbol) -> str:
    """An atom as readers see it: without the scenario number."""
    if sym.type == SymbolType.Function and sym.arguments and sym.arguments[0].type == SymbolType.Number:
        rest = sym.arguments[1:]
        return f"{sym.name}({','.join(map(str, rest))})" if rest else sym.name
    return str(sym)

