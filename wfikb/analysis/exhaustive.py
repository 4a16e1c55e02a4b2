"""Exhaustive diff: both policy versions in ONE clingo program over the whole banded space.

The program is: the space's generator (`Space.program`: profiles as ground facts), the base policy
as written, and the changed policy with every predicate that is not an input renamed `_v2_...`
(`PrefixPredicates`), so both versions read the same input facts. Per output predicate the solver
derives `_lost(S, O)` / `_gained(S, O)`, `changed(S)` when either holds, and counts profiles and
changed profiles itself (`#count`). Python only reads the changed profiles' differing outputs and
groups them into cells: profiles with the same before/after, split into boxes (key -> allowed values
or band range) so that a box holds only its own changed profiles (`_boxes`).
"""
from __future__ import annotations

import datetime as dt
import time

import clingo
from clingo import ast

from wfikb.analysis.space import Space
from wfikb.errors import PolicyError
from wfikb.loader.rewrite import PrefixPredicates

PREFIX = "_v2_"
OUTPUTS = (("regime", 2), ("status", 3), ("sanction_risk", 2), ("conclude", 3))


def _renamed(text: str, keep) -> str:
    t = PrefixPredicates(PREFIX, keep)
    out: list[str] = []
    ast.parse_string(text, lambda s: out.append(str(t.visit(s))) if s.ast_type != ast.ASTType.Program else None)
    return "\n".join(out) + "\n"


def _diff_rules() -> str:
    rules = []
    for name, n in OUTPUTS:
        xs = ", ".join(f"X{i}" for i in range(1, n))
        a, b = f"{name}(S, {xs})", f"{PREFIX}{name}(S, {xs})"
        rules.append(f"_lost(S, {name}({xs})) :- {a}, not {b}.")
        rules.append(f"_gained(S, {name}({xs})) :- {b}, not {a}.")
    rules += ["changed(S) :- _lost(S, _).", "changed(S) :- _gained(S, _).",
              "_profiles(N) :- N = #count { S : _prof(S) }.", "_changed(N) :- N = #count { S : changed(S) }.",
              "_before(S, O) :- changed(S), regime(S, R), O = regime(R).",
              "_after(S, O) :- changed(S), _v2_regime(S, R), O = regime(R).",
              "#show _profiles/1. #show _changed/1. #show _lost/2. #show _gained/2."]
    return "\n".join(rules) + "\n"


def solve_space(space: Space, base_text: str, changed_text: str | None, extra: str = "", show=None):
    """Ground and solve the generator with base (and renamed changed) policy; the shown atoms."""
    gen, rows = space.program()
    keep = space.input_predicates()
    ctl = clingo.Control(["--models=1"], logger=lambda *_: None)
    ctl.add("base", [], gen)
    ctl.add("base", [], base_text)
    if changed_text is not None:
        ctl.add("base", [], _renamed(changed_text, keep))
    ctl.add("base", [], extra)
    with ctl.backend() as backend:
        for sym in rows:
            backend.add_rule([backend.add_atom(sym)])
    ctl.ground([("base", [])])
    atoms: list[clingo.Symbol] = []
    res = ctl.solve(on_model=lambda m: atoms.extend(m.symbols(shown=True)))
    if not res.satisfiable:
        raise PolicyError("the policy has no model over the space")
    return atoms


def diff(base_policy, changed_policy, on: dt.date | None = None, between: tuple | None = None,
         where: dict | None = None, keys=None, max_children: int = 2) -> dict:
    """Exhaustive diff of two loaded policies over the banded space. See docs/analysts.md."""
    t0 = time.perf_counter()
    space = Space.build([base_policy, changed_policy], on=on, between=between, where=where, keys=keys, max_children=max_children)
    atoms = solve_space(space, base_policy.plain_program_text, changed_policy.plain_program_text, _diff_rules())
    profiles = changed = 0
    lost: dict[int, set] = {}
    gained: dict[int, set] = {}
    for a in atoms:
        if a.name == "_profiles":
            profiles = a.arguments[0].number
        elif a.name == "_changed":
            changed = a.arguments[0].number
        elif a.name in ("_lost", "_gained"):
            (lost if a.name == "_lost" else gained).setdefault(a.arguments[0].number, set()).add(str(a.arguments[1]))
    labels: dict[tuple, list[int]] = {}
    for s in set(lost) | set(gained):
        labels.setdefault((tuple(sorted(lost.get(s, ()))), tuple(sorted(gained.get(s, ())))), []).append(s)
    cells = []
    for (before, after), members in sorted(labels.items(), key=lambda kv: -len(kv[1])):
        for box, ss in _boxes(space, members):
            example = space.scenario_dict(min(ss), expect=_expect(space, min(ss), after, changed_policy))
            conditions = {"date": [space.days[t].isoformat() for t in sorted(box.pop(-1))]} if -1 in box else {}
            conditions.update({space.dims[i].key: space.describe(i, vals) for i, vals in box.items()})
            cells.append({"count": len(ss), "conditions": conditions, "before": list(before), "after": list(after),
                          "edits": [], "example": example, "profiles": sorted(ss)})
    cells.sort(key=lambda c: -c["count"])
    for c in cells:
        c["text"] = "; ".join(f"{k}: {v if isinstance(v, str) else ' or '.join(v)}" for k, v in c["conditions"].items()) \
            + f": {_short(c['before'])} -> {_short(c['after'])}"
    return {"profiles": profiles, "changed": changed, "cells": cells, "seconds": round(time.perf_counter() - t0, 3),
            "space": {"where": space.where, "keys": list(space.keys), "dates": [d.isoformat() for d in space.days],
                      "dimensions": {d.key: len(d.values) for d in space.dims}},
            "edits_note": "edit attribution is not computed here (empty lists)"}


def _short(outputs) -> str:
    """The regime when it changes (plus how many other outputs change), else the outputs."""
    regimes = [o for o in outputs if o.startswith("regime(")]
    if regimes:
        rest = len(outputs) - len(regimes)
        return ", ".join(regimes) + (f" (+{rest} more)" if rest else "")
    return ", ".join(outputs) or "-"


def _expect(space: Space, s: int, after, policy) -> dict:
    """The example's [expect]: its regime and activity statuses under the changed policy (one engine run)."""
    from wfikb.engine import Engine
    ev = Engine(policy).evaluate(space.scenario(s))
    out: dict = {}
    if ev.model.regime():
        out["regime"] = ev.model.regime()
    acts = {a: ev.model.status(a) for a in space.scenario(s).activities if ev.model.status(a)}
    if acts:
        out["activities"] = acts
    return out


def _boxes(space: Space, members: list[int]):
    """Disjoint boxes (dimension index -> allowed value indices; date index folded in) covering
    exactly `members`: split on the dimension whose values, merged when they lead to the same rest,
    give the fewest parts, until a box's bounding box is full."""
    ndim = len(space.dims) + 1
    sizes = [len(space.days)] + [len(d.values) for d in space.dims]
    pts = set()
    for s in members:
        t, picks = space.decode(s)
        pts.add((t, *picks))
    out = []
    _split(pts, sizes, ndim, {}, out)
    result = []
    for fixed, ps in out:
        stride = [1]
        for z in sizes[:-1]:
            stride.append(stride[-1] * z)
        ss = [sum(p[i] * stride[i] for i in range(ndim)) for p in ps]
        box = {i - 1: vals for i, vals in fixed.items() if len(vals) < sizes[i]}   # -1: the date
        result.append((box, ss))
    return result


def _split(pts: set, sizes, ndim, fixed, out):
    bbox = [sorted({p[i] for p in pts}) for i in range(ndim)]
    full = 1
    for b in bbox:
        full *= len(b)
    if full == len(pts):
        out.append(({i: set(bbox[i]) for i in range(ndim)}, pts))
        return
    best = None
    for i in range(ndim):
        if len(bbox[i]) < 2:
            continue
        groups: dict[frozenset, set] = {}
        by_val: dict[int, set] = {}
        for p in pts:
            by_val.setdefault(p[i], set()).add(p[:i] + p[i + 1:])
        for v, rest in by_val.items():
            groups.setdefault(frozenset(rest), set()).add(v)
        if len(groups) > 1 and (best is None or len(groups) < best[0]):
            best = (len(groups), i, groups)
    if best is None:        # cannot happen for a non-full set; keep every point apart to stay exact
        for p in pts:
            out.append(({i: {p[i]} for i in range(ndim)}, {p}))
        return
    _, i, groups = best
    for rest, vals in groups.items():
        _split({p for p in pts if p[i] in vals}, sizes, ndim, fixed, out)


def main(argv=None):
    import argparse
    import json
    from pathlib import Path
    from wfikb.loader import Policy, default_policy_dir
    ap = argparse.ArgumentParser(prog="python -m wfikb.analysis.exhaustive")
    ap.add_argument("overlay")
    ap.add_argument("--on", type=dt.date.fromisoformat)
    ap.add_argument("--where", nargs="*", default=[])
    ap.add_argument("--keys", nargs="*", default=None, help="claimant keys that vary (default: per benefit)")
    ap.add_argument("--children", type=int, default=2, help="child slots (default 2)")
    a = ap.parse_args(argv)
    base = Policy.load([default_policy_dir()])
    changed = Policy.load([default_policy_dir(), Path(a.overlay)])
    where = dict(w.split("=", 1) for w in a.where)
    r = diff(base, changed, on=a.on or dt.date.today(), where=where, keys=a.keys, max_children=a.children)
    for c in r["cells"]:
        c.pop("profiles")
    print(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
