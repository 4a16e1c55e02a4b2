"""Generate N valid scenarios (consistent circumstances: see `_consistent`) as JSON lines (the input of `wfikb batch`), seeded and reproducible.

    python bench/gen_records.py N OUT.jsonl [--seed 1]

The same distribution as wfikb/strategies.py (every claimant key present with probability 1/2,
0-3 children, 1-5 activities asked, every [ask] key with probability 1/2), drawn with
`random.Random` directly: Hypothesis is far too slow for a million records. Built from the
vocabulary, so a new key is generated without editing this file. Memory is constant in N.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys

from wfikb import vocabulary as voc

EARLIEST = dt.date(2008, 10, 27)
UC_FROM = dt.date(2013, 4, 29)          # window uc_regs_2013 (policy/core/commencement.lp)
ESA = ("esa_new_style", "esa_income_related")
LATEST = dt.date(2026, 12, 31)


def _date(rnd: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rnd.randint(0, max((hi - lo).days, 0)))


def _value(rnd: random.Random, f: voc.Field, today: dt.date, lower: dt.date):
    if f.kind == "bool":
        return rnd.random() < 0.5
    if f.kind == "enum":
        return rnd.choice(f.values)
    if f.kind == "enum_list":
        return rnd.sample(f.values, rnd.randint(0, min(4, len(f.values))))
    if f.kind == "int":
        return rnd.randint(int(f.minimum or 0), int(min(f.maximum or 100, 100)))
    if f.kind in ("money", "hours"):
        top = 5000 if f.kind == "money" else 60
        return round(rnd.uniform(0, top), 2)
    if f.kind == "date":
        return _date(rnd, lower, today + dt.timedelta(days=280) if f.future_ok else today).isoformat()
    raise AssertionError(f.kind)


def record(rnd: random.Random, n: int) -> dict:
    today = _date(rnd, EARLIEST, LATEST)
    claimant = {"benefit": rnd.choice(voc.BENEFITS)}
    for f in voc.CLAIMANT:
        if f.key in ("benefit", "children") or rnd.random() < 0.5:
            continue
        if f.key == "partner_benefit":
            claimant[f.key] = claimant["benefit"]
            continue
        lower = dt.date(1950, 1, 1) if f.date_key == "born" else today - dt.timedelta(days=800)
        claimant[f.key] = _value(rnd, f, today, lower)
    children = []
    for _ in range(rnd.randint(0, 3)):
        born = _date(rnd, today - dt.timedelta(days=17 * 365), today)
        child = {"born": born.isoformat()}
        if rnd.random() < 0.5:
            child["foster"] = True
        if rnd.random() < 0.5:
            child["kinship"] = True
            child["kinship_since"] = _date(rnd, born, today).isoformat()
        if rnd.random() < 0.5:
            child["adopted_placed"] = _date(rnd, born, today).isoformat()
        children.append(child)
    if children:
        claimant["children"] = children
    ask = {"activities": rnd.sample(voc.ACTIVITIES, rnd.randint(1, 5))}
    for f in voc.ASK:
        if f.key != "activities" and rnd.random() < 0.5:
            ask[f.key] = _value(rnd, f, today, today)
    _consistent(claimant, ask, today)
    return {"id": f"gen-{n}", "date": today.isoformat(), "claimant": claimant, "ask": ask}


def _consistent(claimant: dict, ask: dict, today: dt.date) -> None:
    """Make the record meet policy/core/consistency.lp, which the engine enforces by refusing the
    record (and naming its conflicting facts, a solve of its own): a benchmark of answering records
    must not mostly measure refusals. Keys are dropped or moved, never invented."""
    benefit = claimant["benefit"]
    if claimant.get("lone_parent") and claimant.get("couple"):
        del claimant["couple"]
    if benefit not in ESA:
        claimant.pop("esa_group", None)
        claimant.pop("new_joiner", None)
    if claimant.get("new_joiner") and claimant.get("esa_group") == "support_group":
        del claimant["new_joiner"]
    if benefit != "universal_credit":
        claimant.pop("capability", None)
        claimant.pop("apprentice", None)
    elif today < UC_FROM:
        claimant["benefit"] = "jsa"
        claimant.pop("capability", None)
        claimant.pop("apprentice", None)
        if claimant.get("partner_benefit") == "universal_credit":
            claimant["partner_benefit"] = "jsa"
    born = [c["born"] for c in claimant.get("children", ())]
    if born and "born" in claimant and claimant["born"] > min(born):
        claimant["born"] = min(born)
    if "missed" in ask:
        ask["missed"] = [a for a in ask["missed"] if a in ask["activities"]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)
    with (sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")) as fh:
        for n in range(1, args.n + 1):
            fh.write(json.dumps(record(rnd, n), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
