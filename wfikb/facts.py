"""Scenario -> clingo symbols. Values travel as symbols (never as program text), so nothing a
scenario says can change the program. The scenario's number in the batch is every fact's first
argument, so one ground program serves a whole batch."""
from __future__ import annotations

from clingo import Function, Number, Symbol

from wfikb import dates, vocabulary as voc
from wfikb.scenario import Scenario

CLAIMANT = Function("claimant")
PARTNER = Function("partner")


def _c(name: str) -> Symbol:
    return Function(name)


def date_facts(s: Symbol, who: Symbol, key: str, d, today) -> list[Symbol]:
    k = _c(key)
    out = [Function("date_of", [s, who, k, Number(dates.as_int(d))]),
           Function("days_since", [s, who, k, Number((today - d).days)]),
           Function("weekday", [s, who, k, Number(dates.weekday_sunday0(d))])]
    if d <= today:
        m, r = dates.completed_months(d, today)
        out += [Function("years_since", [s, who, k, Number(dates.completed_years(d, today))]),
                Function("months_since", [s, who, k, Number(m), Number(r)])]
    return out


def _field_facts(s: Symbol, f: voc.Field, value, today, who=CLAIMANT, child: Symbol | None = None):
    args = [s] if child is None else [s, child]
    pred = f.pred if child is None else f"child_{f.pred}"
    if f.kind == "bool":
        return [Function(pred, args)] if value else []
    if f.kind == "enum":
        return [Function(pred, args + [_c(value)])]
    if f.kind == "enum_list":
        return [Function(pred, args + [_c(v)]) for v in value]
    if f.kind in ("int", "money", "hours"):
        return [Function(pred, args + [Number(value)])]
    if f.kind == "date":
        if child is None and f.who == "partner":
            who = PARTNER
        return date_facts(s, who, f.date_key, value, today)
    raise AssertionError(f.kind)


def scenario_facts(index: int, sc: Scenario) -> list[Symbol]:
    s = Number(index)
    today = sc.date
    out = [Function("scenario", [s]), Function("today", [s, Number(dates.as_int(today))])]
    claimant = voc.fields("claimant")
    for key, value in sc.claimant.items():
        out += _field_facts(s, claimant[key], value, today)
    for f in claimant.values():
        if f.default is not None and f.key not in sc.claimant:
            out += _field_facts(s, f, f.default, today)
    child_decl = voc.fields("child")
    for i, child in enumerate(sc.children, 1):
        c = Number(i)
        who = Function("child", [c])
        out.append(Function("child", [s, c]))
        for key, value in child.items():
            out += _field_facts(s, child_decl[key], value, today, who=who, child=c)
    ask = voc.fields("ask")
    for key, value in sc.ask.items():
        out += _field_facts(s, ask[key], value, today)
    return out
