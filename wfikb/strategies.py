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
UC_START = dt.date(2013, 4, 29)
ESA = ("esa_new_style", "esa_income_related")


def _consistent(key: str, claimant: dict) -> bool:
    """Leave out a key that would contradict what is drawn already (policy/core/consistency.lp):
    valid scenarios only; tests/test_robustness.py checks the contradictions are refused."""
    benefit = claimant["benefit"]
    if key in ("esa_group", "new_joiner") and benefit not in ESA:
        return False
    if key in ("capability", "apprentice") and benefit != "universal_credit":
        return False
    if key == "new_joiner" and claimant.get("esa_group") == "support_group":
        return False
    if key == "couple" and claimant.get("lone_parent"):
        return False
    if key == "lone_parent" and claimant.get("couple"):
        return False
    return True


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
    benefit = draw(st.sampled_from(benefits))
    today = draw(st.dates(UC_START if benefit == "universal_credit" else EARLIEST, LATEST))
    claimant = {"benefit": benefit}
    for f in voc.CLAIMANT:
        if f.key in ("benefit", "children") or not draw(st.booleans()):
            continue
        if not _consistent(f.key, claimant):
            continue
        if f.key == "partner_benefit":
            claimant[f.key] = claimant["benefit"]
            continue
        lower = dt.date(1950, 1, 1) if f.date_key == "born" else today - dt.timedelta(days=800)
        v = draw(_value(f, today, lower))
        claimant[f.key] = v.isoformat() if isinstance(v, dt.date) else v
    children = []
    for _ in range(draw(st.integers(0, 3))):
        eldest = today - dt.timedelta(days=17 * 365)
        if "born" in claimant:
            eldest = max(eldest, dt.date.fromisoformat(claimant["born"]))
        born = draw(st.dates(eldest, today))
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
        if f.key == "missed" and draw(st.booleans()):
            ask[f.key] = draw(st.lists(st.sampled_from(ask["activities"]), unique=True, max_size=2))
        elif f.key not in ("activities", "missed") and draw(st.booleans()):
            ask[f.key] = draw(_value(f, today, today))
    return {"id": "generated", "date": today.isoformat(), "claimant": claimant, "ask": ask}


def scenarios(**kw) -> st.SearchStrategy[Scenario]:
    return scenario_dicts(**kw).map(lambda d: from_dict(d, source="<generated>"))
