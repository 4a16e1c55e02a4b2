"""Thresholds read off the policy's own comparisons: the one module both analyses of them share.

- `candidates` (for `wfikb.timeline`): the days on which one scenario's outcome can change;
- `compared_values` (for the circumstance space, `wfikb.analysis.space`): every value each quantity
  (a date key's years, months or days since, its date_of; a money, hours or int input) is compared
  with, directly or through heads that carry it onward and `param/4` values in force on given days,
  so the space cuts each quantity into bands at these values.

Candidates:

A scenario's outcome depends on its date only through the quantities `wfikb.dates` derives from it
(`today`, `days_since`, `years_since`, `months_since`; `weekday` and `date_of` do not move) and
those are compared, in rule bodies, with named parameters, window bounds or other constants. So,
for a scenario and a span of days, the outcome can only change on:

- an anniversary of any date the scenario states (`years_since` moves only then);
- a day on which a comparison in some clause changes truth: each clause is walked with its
  date-dependent conditions bound to the scenario's own dates (`days_since` as a line in the day
  number, `today` as a YYYYMMDD value, `months_since` as a step at monthly anniversaries), and its
  policy facts (`param/4` through `p/3`, `window/3`, tables) enumerated; a comparison that then
  moves with the day is solved for the day it flips (the day before, the day itself and the day
  after are all taken, so strict and non-strict comparisons are both covered);
- the first day and the day after the last day of every rule window (`InForce`).

A date-dependent quantity that reaches a rule's head (a derived predicate carrying an age, such as
`uc_child_age/3`) or a comparison that cannot be solved is not lost: for `years_since` every
anniversary is a candidate anyway; for `months_since` every monthly anniversary of that date (and
the day after) becomes one; for a day count or `today` it is reported in `unsolved`, and the
timeline refuses to stand behind its answer (wfikb.timeline).
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from clingo import Function, Symbol, SymbolType

from wfikb import dates, vocabulary as voc
from wfikb.loader import Policy
from wfikb.loader.policy import FOREVER, Agg, Cmp, InForce, Neg, Pos
from wfikb.terms import _TEST, _arith, match, variables

MOVING_IN_AGGREGATES = ("today", "days_since", "months_since")
SOURCES = {("today", 2), ("days_since", 4), ("years_since", 4), ("months_since", 5), ("weekday", 4),
           ("date_of", 4)}


@dataclass(frozen=True)
class Moving:
    """A quantity that moves with the scenario's date t (a day ordinal):
    kind 'lin': a * t + b; 'ymd': today as YYYYMMDD; 'years' / 'months' / 'rem': years_since,
    months_since's M or R of the date `of` (an ordinal)."""
    kind: str
    a: int = 0
    b: int = 0
    of: int = 0


class Unknown(Exception):
    """A value that depends on something the walk does not bind."""


@dataclass
class Found:
    days: set[dt.date] = field(default_factory=set)
    unsolved: list[str] = field(default_factory=list)      # rule ids of comparisons not solved
    monthly: set[tuple[int, int]] = field(default_factory=set)  # (date ordinal, n): every month + n days


def scenario_dates(inputs) -> list[tuple[Symbol, Symbol, dt.date]]:
    """(Who, Key, date) of every `date_of` fact of a scenario (its facts, as wfikb.facts emits them)."""
    return [(a.arguments[1], a.arguments[2], dates.from_int(a.arguments[3].number))
            for a in inputs if a.name == "date_of" and len(a.arguments) == 4]


def candidates(policy: Policy, inputs, start: dt.date, until: dt.date) -> tuple[list[dt.date], list[str]]:
    """The days in (start, until] on which the outcome of the scenario whose facts are `inputs` may
    change (sorted), and the rule ids of any date comparison that could not be solved."""
    stated = scenario_dates(inputs)
    found = Found()
    for _who, _key, d in stated:
        for y in range(max(0, start.year - d.year - 1), until.year - d.year + 2):
            found.days.add(dates.anniversary(d, y))
    facts: dict[tuple[str, int], list[tuple[str | None, Symbol]]] = {}   # by first argument's name
    for sym in policy.fact_index:
        args = sym.arguments
        first = args[0].name if args and args[0].type == SymbolType.Function else None
        facts.setdefault((sym.name, len(args)), []).append((first, sym))
    derived = {c.signature for c in policy.clauses if not c.is_fact}
    ctx = _Context(stated, facts, derived, found)
    for clause in policy.clauses:
        for cond in clause.conds:
            if isinstance(cond, InForce):
                f, t = cond.node
                found.days |= {_ymd_day(f), _ymd_day(t + 1) if t != FOREVER else None} - {None}
        for cond in clause.conds:
            if isinstance(cond, Agg) and any(f"{name}(" in cond.source for name in MOVING_IN_AGGREGATES):
                found.unsolved.append(clause.rule.id)      # an aggregate over dates is not walked
        for cond in clause.conds:
            if isinstance(cond, Neg) and _sig(cond.node) in SOURCES:
                list(_bind_source(cond.node[1], cond.node[2], {}, stated, found))   # its numbers only
        if clause.is_fact or not any(isinstance(c, Pos) and _sig(c.node) in SOURCES for c in clause.conds):
            continue
        _walk(clause, [c for c in clause.conds if isinstance(c, (Pos, Cmp))], 0, {}, ctx)
    for of, n in found.monthly:
        d = dt.date.fromordinal(of)
        for m in range(max(0, (start.year - d.year - 1) * 12), (until.year - d.year + 1) * 12 + 1):
            day = dates.add_months(d, m) + dt.timedelta(days=n)
            found.days |= {day, day + dt.timedelta(days=1)}
    days = sorted(d for d in found.days if start < d <= until)
    return days, sorted(set(found.unsolved))


def _sig(t: tuple) -> tuple[str, int]:
    return (t[1], len(t[2])) if t[0] == "f" else ("", -1)


def _ymd_day(n: int) -> dt.date | None:
    """The first day whose YYYYMMDD is >= n (n need not be a real date: 20230229 -> 1 March)."""
    y, m, d = n // 10000, n // 100 % 100, n % 100
    if not 1 <= y <= 9998:
        return None
    if m < 1:
        m, d = 1, 1
    if m > 12:
        return dt.date(y + 1, 1, 1)
    first = dt.date(y, m, 1)
    last = dates.add_months(first, 1) - dt.timedelta(days=1)
    if d > last.day:
        return last + dt.timedelta(days=1)
    return first + dt.timedelta(days=max(d, 1) - 1)


def _walk(clause, conds, i, env, ctx):
    """Bind the clause's date sources and policy facts in order, then test its comparisons."""
    if i == len(conds):
        _head_moving(clause, env, ctx.found)
        return
    cond = conds[i]
    if isinstance(cond, Cmp):
        try:
            env = _compare(cond, env, ctx.found)
        except Unknown:
            if any(isinstance(env.get(v), Moving) for v in cond.variables):
                _unsolved(clause, cond, env, ctx.found)
        if env is not None:
            _walk(clause, conds, i + 1, env, ctx)
        return
    sig = _sig(cond.node)
    args = cond.node[2]
    if sig in SOURCES:
        for new in _bind_source(sig[0], args, env, ctx.stated, ctx.found):
            _walk(clause, conds, i + 1, new, ctx)
        return
    if sig == ("p", 3):
        pool, template = ctx.facts.get(("param", 4), []), ("f", "param", (args[1], args[2], ("v", "_"), ("v", "_")))
    else:
        pool, template = ctx.facts.get(sig, []), cond.node
    first = template[2][0] if template[2] else None
    key = first[1] if first is not None and first[0] == "f" else None
    for name, sym in pool:
        if key is not None and name != key:
            continue
        new = _match(template, sym, env)
        if new is not None:
            _walk(clause, conds, i + 1, new, ctx)
    if sig != ("p", 3) and (sig in ctx.derived or sig not in ctx.facts):
        # a derived predicate or a scenario fact: its variables stay unbound (a moving value compared
        # with one is noted); only a table the policy states in full is enumerated alone
        _walk(clause, conds, i + 1, env, ctx)


@dataclass
class _Context:
    stated: list
    facts: dict
    derived: set
    found: Found


def _match(template, sym, env):
    plain = {k: v for k, v in env.items() if isinstance(v, Symbol)}
    new = match(template, sym, plain)
    if new is None:
        return None
    return {**env, **new}


def _bind_source(name, args, env, stated, found):
    """Environments binding a date source's value for each scenario date its Who and Key match."""
    if name == "today":
        yield _bind(env, args[1], Moving("ymd"), found)
        return
    for who, key, d in stated:
        new = _match(("f", "k", (args[1], args[2])), _pair(who, key), env)
        if new is None:
            continue
        o = d.toordinal()
        if name == "date_of":
            yield _bind(new, args[3], dates.as_int(d))
        elif name == "weekday":
            yield _bind(new, args[3], dates.weekday_sunday0(d))
        elif name == "days_since":
            yield _bind(new, args[3], Moving("lin", 1, -o), found)
        elif name == "years_since":
            yield _bind(new, args[3], Moving("years", of=o), found)
        else:
            yield _bind(_bind(new, args[3], Moving("months", of=o), found), args[4], Moving("rem", of=o), found)


def _pair(who, key):
    return Function("k", [who, key])


def _bind(env, t, value, found=None):
    if env is None:
        return env
    if t[0] == "n" and isinstance(value, Moving) and found is not None:
        _crossing(_add(value, -t[1]) if value.kind == "lin" else (value, t[1]), found)   # a quantity written as a number
    if t[0] != "v" or t[1] == "_":
        return env
    return {**env, t[1]: value}


# ------------------------------------------------------------------ values and comparisons
def _value(t, env):
    kind = t[0]
    if kind == "n":
        return t[1]
    if kind == "v":
        v = env.get(t[1])
        if v is None:
            raise Unknown(t[1])
        if isinstance(v, Symbol):
            if v.type != SymbolType.Number:
                raise Unknown(t[1])
            return v.number
        return v
    if kind == "u" and t[1] == "-":
        return _mul(_value(t[2], env), -1)
    if kind == "b" and t[1] in "+-*":
        a, b = _value(t[2], env), _value(t[3], env)
        if t[1] == "*":
            if isinstance(a, int):
                return _mul(b, a)
            if isinstance(b, int):
                return _mul(a, b)
            raise Unknown("product")
        return _add(a, _mul(b, -1) if t[1] == "-" else b)
    raise Unknown(kind)


def _mul(x, k: int):
    if isinstance(x, int):
        return x * k
    if x.kind == "lin":
        return Moving("lin", x.a * k, x.b * k)
    if k == 1:
        return x
    raise Unknown("scaled step")


def _add(x, y):
    if isinstance(x, int) and isinstance(y, int):
        return x + y
    if isinstance(x, int):
        x, y = y, x
    if isinstance(y, int):
        if x.kind == "lin":
            return Moving("lin", x.a, x.b + y)
        return Moving(x.kind, x.a, x.b + y, x.of)      # b: offset added to a step or today
    if x.kind == "lin" and y.kind == "lin":
        return Moving("lin", x.a + y.a, x.b + y.b)
    raise Unknown("sum of steps")


def _compare(cond: Cmp, env, found: Found):
    left, guards = cond.node
    if cond.assigns and cond.assigns not in env:
        return {**env, cond.assigns: _value(guards[0][1], env)}
    x = _value(left, env)
    for op, right in guards:
        y = _value(right, env)
        if isinstance(x, int) and isinstance(y, int):
            if not _TEST[op](x, y):
                return None         # fixed values that never meet: this binding never fires
        else:
            _crossing(_add(x, _mul(y, -1)) if _linear(x, y) else (x, y), found)
        x = y
    return env


def _linear(x, y) -> bool:
    return all(isinstance(v, int) or v.kind == "lin" for v in (x, y))


def _crossing(diff, found: Found):
    """Add the days on which `diff` (or the pair compared) changes sign or equality."""
    if isinstance(diff, int):
        return
    if isinstance(diff, Moving):             # a * t + b, compared with 0
        if diff.a == 0:
            return
        root = -diff.b // diff.a if diff.a > 0 else diff.b // -diff.a
        for t in range(root - 1, root + 3):
            found.days.add(dt.date.fromordinal(t))
        return
    x, y = diff
    if isinstance(x, int):
        x, y = y, x
    if not isinstance(y, int):
        raise Unknown("two moving values")
    of = dt.date.fromordinal(x.of) if x.of else None
    n = y - x.b
    if x.kind == "ymd":
        day = _ymd_day(n)
        if day:
            found.days |= {day, day + dt.timedelta(days=1)}
    elif x.kind == "years":
        found.days |= {dates.anniversary(of, k) for k in (n, n + 1) if k >= 0}
    elif x.kind == "months":
        for k in (n, n + 1):
            if k >= 0:
                day = dates.add_months(of, k)
                found.days |= {day, day + dt.timedelta(days=1)}
    elif x.kind == "rem":
        found.monthly.add((x.of, max(n, 0)))     # R moves every day: it is n days after each anniversary
    else:
        raise Unknown(x.kind)


def _head_moving(clause, env, found):
    """A moving value carried into the head (a derived age, say) is compared elsewhere, unseen here."""
    for v in variables(clause.head):
        m = env.get(v)
        if isinstance(m, Moving):
            if m.kind in ("months", "rem"):
                found.monthly.add((m.of, 0))
            elif m.kind != "years":
                found.unsolved.append(clause.rule.id)


def _unsolved(clause, cond, env, found):
    kinds = {env[v].kind for v in cond.variables if isinstance(env.get(v), Moving)}
    if kinds <= {"years"}:
        return
    if kinds <= {"years", "months", "rem"}:
        found.monthly |= {(env[v].of, 0) for v in cond.variables if isinstance(env.get(v), Moving)}
        return
    found.unsolved.append(clause.rule.id)


# ------------------------------------------------------------------ values compared (the space's bands)
QUANT_PREDS = {("years_since", 4): "years", ("months_since", 5): "months", ("days_since", 4): "days",
               ("date_of", 4): "date"}


def _param_values(policy, days=None) -> dict[str, set[int]]:
    """Each parameter's values in force on one of `days` (all its values when days is None)."""
    out: dict[str, set[int]] = {}
    for c in policy.clauses:
        if c.is_fact and c.head[1] == "param" and len(c.head[2]) == 4:
            name, val, f, t = c.head[2]
            if days and f[0] == "n" and t[0] == "n" and not any(f[1] <= dates.as_int(d) <= t[1] for d in days):
                continue
            if name[0] == "f" and val[0] == "n":
                out.setdefault(name[1], set()).add(val[1])
    return out


def _eval(t, env, limit=64) -> set[int]:
    """Every integer value template t takes when each variable ranges over env's values."""
    names = sorted(variables(t))
    if any(n not in env or not env[n] for n in names):
        return set()
    out = set()
    for combo in itertools.islice(itertools.product(*(sorted(env[n]) for n in names)), limit):
        e = dict(zip(names, combo))
        try:
            out.add(_num(t, e))
        except (KeyError, ZeroDivisionError, TypeError):
            pass
    return out


def _num(t, e):
    k = t[0]
    if k == "n":
        return t[1]
    if k == "v":
        return e[t[1]]
    if k == "b":
        return _arith(t[1], _num(t[2], e), _num(t[3], e))
    if k == "u" and t[1] == "-":
        return -_num(t[2], e)
    raise KeyError(t)


def compared_values(*policies, days=None) -> dict[tuple, set[int]]:
    """For the circumstance space (wfikb.analysis.space): quantity -> the values it is compared with. Quantities: (kind, who, key) for dates (kind years,
    months, days or date; who claimant, partner or child) and ("value", pred) for numbers."""
    inputs = {(f.pred, 2): ("value", f.pred) for f in voc.CLAIMANT if f.kind in ("int", "money", "hours")}
    out: dict[tuple, set[int]] = {}
    for policy in policies:
        params = _param_values(policy, days)
        carriers: dict[tuple, set] = {}     # (pred, arity, pos) -> quantities carried
        values: dict[tuple, set] = {}       # (pred, arity, pos) -> parameter values carried
        for _ in range(6):                  # to a fixpoint (derived heads carry quantities onward)
            changed = False
            for c in policy.clauses:
                qv: dict[str, set] = {}
                vv: dict[str, set] = {}
                for d in c.conds:
                    if d.kind != "pos":
                        continue
                    node = d.node
                    if node[0] != "f":
                        continue
                    name, args = node[1], node[2]
                    sig = (name, len(args))
                    if name == "p" and len(args) == 3 and args[1][0] == "f" and args[2][0] == "v":
                        vv.setdefault(args[2][1], set()).update(params.get(args[1][1], ()))
                    for i, a in enumerate(args):
                        if a[0] != "v":
                            continue
                        q = None
                        if sig in QUANT_PREDS and i == 3:
                            who = args[1][1] if args[1][0] == "f" else "?"
                            key = args[2][1] if args[2][0] == "f" else "?"
                            q = (QUANT_PREDS[sig], who, key)
                        elif sig in inputs and i == 1:
                            q = inputs[sig]
                        if q:
                            qv.setdefault(a[1], set()).add(q)
                        qv.setdefault(a[1], set()).update(carriers.get((name, len(args), i), ()))
                        vv.setdefault(a[1], set()).update(values.get((name, len(args), i), ()))
                cmps = [d for d in c.conds if d.kind == "cmp"]
                bound = {v for d in c.conds if d.kind == "pos" for v in d.variables}
                for d in cmps:                 # X = expr: X carries what expr's variables carry
                    left, guards = d.node
                    if d.assigns and d.assigns not in bound and left[0] == "v" and len(guards) == 1 and guards[0][0] == "=":
                        vs = variables(guards[0][1])
                        qs = set().union(*(qv.get(v, set()) for v in vs)) if vs else set()
                        if qs:
                            qv.setdefault(left[1], set()).update(qs)
                        else:
                            vv.setdefault(left[1], set()).update(_eval(guards[0][1], vv))
                for d in cmps:
                    left, guards = d.node
                    for a, (op, b) in zip((left,) + tuple(g[1] for g in guards[:-1]), guards):
                        for x, y in ((a, b), (b, a)):
                            if x[0] == "v" and qv.get(x[1]) and not (d.assigns == x[1] and x[1] not in bound):
                                vals = _eval(y, vv) if y[0] != "v" or not qv.get(y[1]) else set()
                                for q in qv[x[1]]:
                                    out.setdefault(q, set()).update(vals)
                head = c.head
                if head[0] == "f":
                    for i, a in enumerate(head[2]):
                        if a[0] == "v":
                            k = (head[1], len(head[2]), i)
                            for src, dst in ((qv, carriers), (vv, values)):
                                new = src.get(a[1], set()) - dst.get(k, set())
                                if new:
                                    dst.setdefault(k, set()).update(new)
                                    changed = True
            if not changed:
                break
    return out
