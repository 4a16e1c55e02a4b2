"""Hypothesis strategies for valid scenarios, built from the one vocabulary declaration.

    from wfikb.strategies import scenarios
    @given(scenarios())
    def test_something(sc): ...
"""
from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from wfikb import vocabulary as voc
from wfikb.scenario import Scenario, from_dict

EARLIEST = dt.date(2008, 10, 27)
LATEST = dt.date(2026, 12, 31)


def _value(f: voc.Field, today: dt.date, born_after: dt.date):
    if f.kind == "bool":
        return st.booleans()
    if f.kind == "enum":
        return st.sampled_from(f.values)
    if f.kind == "enum_list":
        return st.lists(st.sampled_from(f.values), unique=True, max_size=4)
    if f.kind == "int":
        return st.integers(int(f.minimum or 0), int(min(f.maximum or 100, 100)))
    if f.kind in ("money", "hours"):
        top = 5000 if f.kind == "money" else 60
        return st.decimals(0, top, places=2).map(float)
    if f.kind == "date":
        return st.dates(born_after, today + dt.timedelta(days=280) if f.future_ok else today)
    raise AssertionError(f.kind)


@st.composite
def scenario_dicts(draw, benefits=voc.BENEFITS):
    today = draw(st.dates(EARLIEST, LATEST))
    claimant = {"benefit": draw(st.sampled_from(benefits))}
    for f in voc.CLAIMANT:
        if f.key in ("benefit", "children") or not draw(st.booleans()):
            continue
        if f.key == "partner_benefit":
            claimant[f.key] = claimant["benefit"]
            continue
        lower = dt.date(1950, 1, 1) if f.date_key == "born" else today - dt.timedelta(days=800)
        v = draw(_value(f, today, lower))
        claimant[f.key] = v.isoformat() if isinstance(v, dt.date) else v
    children = []
    for _ in range(draw(st.integers(0, 3))):
        born = draw(st.dates(today - dt.timedelta(days=17 * 365), today))
        child = {"born": born.isoformat()}
        if draw(st.booleans()):
            child["foster"] = True
        if draw(st.booleans()):
            child["kinship"] = True
            child["kinship_since"] = draw(st.dates(born, today)).isoformat()
        if draw(st.booleans()):
            child["adopted_placed"] = draw(st.dates(born, today)).isoformat()
        children.append(child)
    if children:
        claimant["children"] = children
    ask = {"activities": draw(st.lists(st.sampled_from(voc.ACTIVITIES), unique=True, min_size=1, max_size=5))}
    for f in voc.ASK:
        if f.key != "activities" and draw(st.booleans()):
            ask[f.key] = draw(_value(f, today, today))
    return {"id": "generated", "date": today.isoformat(), "claimant": claimant, "ask": ask}


def scenarios(**kw) -> st.SearchStrategy[Scenario]:
    return scenario_dicts(**kw).map(lambda d: from_dict(d, source="<generated>"))
