"""`wfikb generate`: teaching pairs for the selected rules, written as scenario files.

selected rules -> conditions (conditions.py) -> the space, solved once (pairs.py) -> candidate pairs
and the reasons of unreachable conditions -> the chosen set (select.py) -> scenario dicts, evaluated
by the engine in one batch for their [expect] -> narrative (narrative.py) -> TOML files, written
to a fresh folder at once (nothing half-written).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from wfikb import vocabulary as voc
from wfikb.engine import Engine, RefusedError
from wfikb.atomic import temp_folder
from wfikb.errors import InputError, PolicyError
from wfikb.result import names
from wfikb.scenario import from_dict
from wfikb.training import conditions as conds, narrative, pairs, select

OWN = ("regime=", "activity=", "sanction_risk=")     # already in [expect] as regime, activities, sanction_risk


@dataclass
class Generated:
    files: list[tuple[str, str]]      # (file name, TOML text)
    summary: dict


def generate(policy, rules=None, topic=None, file=None, on=None, between=None, where=None, keys=None,
             max_children=1, seed=0, budget=pairs.BUDGET) -> Generated:
    ids = conds.select_rules(policy, rules, topic, file)
    cl = conds.conditions(policy, ids)
    space = pairs.build_space(policy, ids, on, between, where, keys, max_children, budget)
    solved = pairs.solve(policy, space, cl)
    per, reasons = pairs.candidates(solved, cl)

    def labels(n: pairs.Node):
        t, picks = space.decode(n.profile)
        return [(0, t)] + [(i + 1, p) for i, p in enumerate(picks)]

    chosen, optimal = select.choose(per, labels, seed)
    order: dict = {}
    pair_of: dict = {}
    for _ci, c in chosen:
        for n in (c.a, c.b):
            order.setdefault(n, len(order))
        pair_of.setdefault((c.a, c.b), f"p{len(pair_of) + 1:02d}")
    dicts = [_scenario(space, n, i + 1) for i, n in enumerate(order)]
    evs = Engine(policy).evaluate_each([from_dict(d) for d in dicts])
    for d, ev in zip(dicts, evs):
        if isinstance(ev, RefusedError):
            raise PolicyError(f"generated scenario {d['id']} refused by the engine: {ev}")
    roles: dict = {n: [] for n in order}
    partners: dict = {n: [] for n in order}
    for ci, c in chosen:
        pid = pair_of[(c.a, c.b)]
        key = _differs_in(space, c.dim)
        for n, other in ((c.a, c.b), (c.b, c.a)):
            if any(r["pair"] == pid and r["rule"] == cl[ci].rule and r["condition"] == cl[ci].text for r in roles[n]):
                continue
            roles[n].append({"pair": pid, "differs_in": key, "rule": cl[ci].rule, "condition": cl[ci].text,
                             "partner": _sid(order[other] + 1)})
            partners[n].append(order[other])
    files = []
    for n, i in order.items():
        ev = evs[i]
        d = dicts[i]
        d["expect"] = _expect(ev, [evs[j] for j in partners[n]])
        name, pronoun = narrative.pick_name(seed, i)
        d["title"] = f"Case {i + 1}: {name}"
        first, *also = roles[n]
        gen = dict(first)
        gen["name"] = name
        gen["narrative"] = narrative.tell(d, name, pronoun)
        if also:
            gen["also"] = also
        d["generated"] = gen
        files.append((f"{d['id']}.toml", toml_text(d)))
    for ci, c in chosen:
        a, b = evs[order[c.a]], evs[order[c.b]]
        if _outcome(a) == _outcome(b):
            raise PolicyError(f"internal: pair {pair_of[(c.a, c.b)]} has one outcome under the engine")
    reachable = [i for i, r in enumerate(reasons) if r is None]
    summary = {
        "rules": ids, "conditions": len(cl), "reachable": len(reachable),
        "covered": len({ci for ci, _ in chosen}), "scenarios": len(order), "pairs": len(pair_of),
        "lower_bound": len(reachable) + 1 if reachable else 0, "optimal": optimal, "seed": seed,
        "taught": [{"condition": cl[ci].id, "rule": cl[ci].rule, "text": cl[ci].text, "pair": pair_of[(c.a, c.b)],
                    "differs_in": _differs_in(space, c.dim), "scenarios": [_sid(order[c.a] + 1), _sid(order[c.b] + 1)]}
                   for ci, c in chosen],
        "unreachable": [{"condition": c.id, "rule": c.rule, "text": c.text, "reason": r}
                        for c, r in zip(cl, reasons) if r is not None],
        "space": {"where": space.where, "keys": list(space.keys), "dates": [x.isoformat() for x in space.days],
                  "profiles": space.size},
    }
    return Generated(files, summary)


def _sid(n: int) -> str:
    return f"case-{n:02d}"


def _differs_in(space, dim: int) -> str:
    if dim < 0:
        return "date"
    d = space.dims[dim]
    return "children" if d.slot else d.key


def _scenario(space, n: pairs.Node, number: int) -> dict:
    d = space.scenario_dict(n.profile)
    d["id"] = _sid(number)
    d.pop("expect", None)
    if n.dim is not None:
        dim = space.dims[n.dim]
        on = dt.date.fromisoformat(d["date"])
        if dim.slot:
            _t, picks = space.decode(n.profile)
            pos = sum(1 for k, x in enumerate(space.dims[:n.dim]) if x.slot and picks[k])
            d["claimant"]["children"][pos]["born"] = (on - dt.timedelta(days=n.qty)).isoformat()
        else:
            f = voc.fields("claimant")[dim.key]
            if f.kind == "date":
                d["claimant"][dim.key] = (on - dt.timedelta(days=n.qty)).isoformat()
            elif f.kind in ("money", "hours"):
                d["claimant"][dim.key] = n.qty / 100
            else:
                d["claimant"][dim.key] = n.qty
    return {"id": d["id"], "title": "", "date": d["date"], "claimant": d["claimant"], "ask": d["ask"]}


def _outcome(ev) -> tuple:
    m = ev.model
    acts = tuple((a, m.status(a), m.sanction_risk(a)) for a in ev.scenario.activities)
    return m.regime(), acts, frozenset(x for x in names(ev) if not x.startswith(OWN))


def _expect(ev, others) -> dict:
    m = ev.model
    out: dict = {}
    if m.regime():
        out["regime"] = m.regime()
    out["activities"] = {a: m.status(a) for a in ev.scenario.activities if m.status(a)}
    out["sanction_risk"] = {a: m.sanction_risk(a) for a in ev.scenario.activities}
    own = {x for x in names(ev) if not x.startswith(OWN)}
    theirs = set().union(*({x for x in names(o) if not x.startswith(OWN)} for o in others)) if others else set()
    if own - theirs:
        out["conclusions"] = sorted(own - theirs)
    if theirs - own:
        out["not_conclusions"] = sorted(theirs - own)
    return out


# ------------------------------------------------------------------ TOML
def _dates_of() -> set:
    return {k for k, f in voc.fields("claimant").items() if f.kind == "date"}


def _v(key: str, v, date_keys=()) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str) and key in date_keys:
        return v
    if isinstance(v, list):
        return "[" + ", ".join(_v(key, x, date_keys) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_v(k, x, date_keys)}" for k, x in v.items()) + " }"
    return json.dumps(v, ensure_ascii=False)


def toml_text(d: dict) -> str:
    dk = _dates_of() | {"born"}
    out = [f"id = {_v('id', d['id'])}", f"title = {_v('title', d['title'])}", f"date = {d['date']}", "", "[claimant]"]
    for k, v in d["claimant"].items():
        out.append(f"{k} = {_v(k, v, dk)}")
    out += ["", "[ask]", f"activities = {_v('activities', d['ask']['activities'])}", "", "[expect]"]
    exp = d["expect"]
    if "regime" in exp:
        out.append(f"regime = {_v('regime', exp['regime'])}")
    for k in ("conclusions", "not_conclusions"):
        if k in exp:
            out.append(f"{k} = {_v(k, exp[k])}")
    for table in ("activities", "sanction_risk"):
        if exp.get(table):
            out += ["", f"[expect.{table}]"] + [f"{k} = {_v(k, v)}" for k, v in exp[table].items()]
    out += ["", "[generated]"]
    for k, v in d["generated"].items():
        if k != "also":
            out.append(f"{k} = {_v(k, v)}")
    for role in d["generated"].get("also", []):
        out += ["", "[[generated.also]]"] + [f"{k} = {_v(k, v)}" for k, v in role.items()]
    return "\n".join(out) + "\n"


def write(gen: Generated, out: Path) -> None:
    """Write the files into `out` (absent or empty) all at once: a sibling folder, then renamed."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(out, None, "expected a new or empty folder for the generated files")
    parent = out.resolve().parent
    if not parent.is_dir():
        raise InputError(out, None, "its parent folder does not exist")
    tmp = temp_folder(out, ".wfikb-generate-", "--out")
    try:
        for name, text in gen.files:
            (tmp / name).write_text(text, encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def summary_lines(s: dict) -> list[str]:
    lines = [f"{len(s['rules'])} rules, {s['conditions']} conditions: {s['reachable']} reachable, "
             f"{len(s['unreachable'])} unreachable",
             f"covered {s['covered']} of {s['reachable']} reachable conditions with {s['scenarios']} scenarios "
             f"in {s['pairs']} pairs (lower bound, conditions + 1: {s['lower_bound']}; "
             f"{'proved smallest' if s['optimal'] else 'smallest found, not proved'})",
             f"space: {s['space']['profiles']} profiles; {', '.join(f'{k}={v}' for k, v in s['space']['where'].items())}; "
             f"varying {', '.join(s['space']['keys'])}; on {', '.join(s['space']['dates'])}"]
    for t in s["taught"]:
        lines.append(f"  {t['pair']} {'/'.join(t['scenarios'])}  {t['differs_in']:<16} {t['condition']}: {t['text']}")
    if s["unreachable"]:
        lines.append("unreachable:")
        for u in s["unreachable"]:
            lines.append(f"  {u['condition']}: {u['text']}: {u['reason']}")
    return lines
