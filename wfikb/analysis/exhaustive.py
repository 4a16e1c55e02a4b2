"""Exhaustive diff: both policy versions in ONE clingo program over the whole banded space.

The program is: the space as one symbolic profile (`Space.choice_program`: the solver picks one value
per axis), the base policy as written, and the changed policy with every predicate that is not an
input renamed `_v2_...` (`PrefixPredicates`), so both versions read the same picked facts; per output
predicate `_lost(O)` / `_gained(O)`, and `_changed` when either holds. It is grounded once.
`wfikb.analysis.cubes` then covers the changed profiles with disjoint maximal cubes, each of one
before -> after; a cube's count is the product of its value sets. No Python loop over profiles.
"""
from __future__ import annotations

import datetime as dt
import time

import clingo
from clingo import Function, ast

from wfikb import vocabulary as voc
from wfikb.analysis.cubes import Solver
from wfikb.analysis.space import Space
from wfikb.engine import Engine
from wfikb.errors import PolicyError
from wfikb.loader.rewrite import PrefixPredicates
from wfikb.scenario import from_dict

PREFIX = "_v2_"
OUTPUTS = (("regime", 2), ("status", 3), ("sanction_risk", 2), ("conclude", 3))


def _renamed(text: str, keep) -> str:
    t = PrefixPredicates(PREFIX, keep)
    out: list[str] = []
    ast.parse_string(text, lambda s: out.append(str(t.visit(s))) if s.ast_type != ast.ASTType.Program else None)
    return "\n".join(out) + "\n"


def invalid_rules(policy) -> str:
    """The policy's consistency constraints (`:- B.`, policy/core/consistency.lp) as `_invalid :- B.`:
    a profile they exclude is no profile of the space (an AST rewrite of the policy's own text)."""
    out: list[str] = []
    pos = ast.Position("<wfikb>", 1, 1)
    head = ast.Literal(ast.Location(pos, pos), 0, ast.SymbolicAtom(ast.Function(ast.Location(pos, pos), "_invalid", [], 0)))

    def add(st):
        if st.ast_type == ast.ASTType.Rule:
            out.append(str(st.update(head=head)))
    ast.parse_string("\n".join(policy.constraint_program), add)
    return "\n".join(out) + "\n"


def _diff_rules() -> str:
    """Over the symbolic profile 0: the outputs lost and gained, and `_changed` when any is."""
    rules = []
    for name, n in OUTPUTS:
        xs = ", ".join(f"X{i}" for i in range(1, n))
        a, b = f"{name}(0, {xs})", f"{PREFIX}{name}(0, {xs})"
        rules.append(f"_lost({name}({xs})) :- {a}, not {b}.")
        rules.append(f"_gained({name}({xs})) :- {b}, not {a}.")
    rules += ["_changed :- _lost(_).", "_changed :- _gained(_).", "#show _lost/1. #show _gained/1."]
    return "\n".join(rules) + "\n"


def solve_space(space: Space, base_text: str, changed_text: str | None, extra: str = "", show=None):
    """Ground and solve the per-profile generator (`Space.program`) with base (and renamed changed) policy;
    the shown atoms. Grounds the policy once per profile: for small spaces only (tests, properties)."""
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


def _signature_checker(solver: Solver):
    """signature(model) and bad_for(sig): externals `_inL(O)`/`_inG(O)` say which outputs the signature
    loses and gains; `bad` holds where the profile's lost/gained outputs differ from them."""
    lits, outs = {}, []
    with solver.ctl.backend() as b:
        bad = b.add_atom()
        for name, side in (("_lost", "L"), ("_gained", "G")):
            for sym in solver.atoms((name, 1)):
                lit = solver.literal(sym)
                ext = b.add_atom(Function("_in" + side, sym.arguments))
                b.add_external(ext, clingo.TruthValue.False_)
                lits[(side, str(sym.arguments[0]))] = ext
                outs.append((side, str(sym.arguments[0]), lit))
                b.add_rule([bad], [lit, -ext])
                b.add_rule([bad], [ext, -lit])
    current = [None]

    def signature(m):
        lost = tuple(sorted(o for side, o, lit in outs if side == "L" and m.is_true(lit)))
        gained = tuple(sorted(o for side, o, lit in outs if side == "G" and m.is_true(lit)))
        return lost, gained

    def bad_for(sig):
        if current[0] != sig:
            on = {("L", o) for o in sig[0]} | {("G", o) for o in sig[1]}
            for key, ext in lits.items():
                solver.ctl.assign_external(ext, key in on)
            current[0] = sig
        return bad
    return signature, bad_for


def _expect_reader(solver: Solver, activities):
    """read(model) -> the changed policy's regime and activity statuses of the picked profile: the
    example's [expect], read off the same program (the tests check it against the engine)."""
    regimes = [(s.arguments[1].name, solver.literal(s)) for s in solver.atoms((PREFIX + "regime", 2))]
    statuses = [(s.arguments[1].name, s.arguments[2].name, solver.literal(s))
                for s in solver.atoms((PREFIX + "status", 3)) if s.arguments[1].name in activities]

    def read(m) -> dict:
        out: dict = {}
        rs = [r for r, lit in regimes if m.is_true(lit)]
        if len(rs) == 1:
            out["regime"] = rs[0]
        acts = {a: st for a, st, lit in statuses if m.is_true(lit)}
        if acts:
            out["activities"] = {a: acts[a] for a in activities if a in acts}
        return out
    return read


def diff(base_policy, changed_policy, on: dt.date | None = None, between: tuple | None = None,
         where: dict | None = None, keys=None, max_children: int = 2, overlay=None, progress=None,
         dates: tuple | None = None) -> dict:
    """Exhaustive diff of two loaded policies over the banded space, in one clingo program (see
    docs/analysts.md). overlay: (base files, `edits.Overlay`) to attribute each cell to its edits.
    dates=(D1, D2): the law on D1 against the law on D2 (base_policy is changed_policy), every profile's
    dates absolute: the changed version reads the same profile's facts on D2 (`Space.choice_program`)."""
    t0 = time.perf_counter()
    space = Space.build([base_policy, changed_policy], on=on, between=between, where=where, keys=keys,
                        max_children=max_children, dates=dates)
    keep = set() if dates else space.input_predicates()
    solver = Solver(space, [base_policy.plain_program_text, _renamed(changed_policy.plain_program_text, keep),
                            _diff_rules()], invalid_rules(base_policy))
    changed_lit = solver.literal(Function("_changed"))
    found = []
    if changed_lit is not None:
        signature, bad_for = _signature_checker(solver)
        found = solver.cover(changed_lit, signature, bad_for, order=_order(space), on_cube=progress)
    seconds = time.perf_counter() - t0
    cells = []
    read = _expect_reader(solver, list(voc.ACTIVITIES))
    for box, (before, after), picks in found:
        s = space.encode(picks.get(-1, 0), [picks[i] for i in range(len(space.dims))])
        _, expect = solver.solve([solver.pick[(a, i)] for a, i in picks.items()], read)
        example = space.scenario_dict(s, expect=expect)
        conditions = {"date": [space.days[t].isoformat() for t in sorted(box[-1])]} if -1 in box else {}
        conditions.update({space.dims[i].key: space.describe(i, vals) for i, vals in box.items() if i >= 0})
        cells.append({"count": solver.count(box), "conditions": conditions, "before": list(before),
                      "after": list(after), "edits": [], "example": example, "box": box})
    cells.sort(key=lambda c: -c["count"])
    for n, c in enumerate(cells, 1):
        c["example"]["id"] = f"cell-{n}"
        c["text"] = ("; ".join(f"{k}: {v if isinstance(v, str) else ' or '.join(v)}" for k, v in c["conditions"].items())
                     or "every profile") \
            + f": {moves(c['before'], c['after'])}"
    if overlay is not None and cells:
        _attribute(cells, *overlay)
    return {"profiles": solver.count({}), "changed": sum(c["count"] for c in cells), "cells": cells,
            "seconds": round(time.perf_counter() - t0, 3), "solve_seconds": round(seconds, 3),
            "solver_calls": solver.calls,
            "space": {"where": space.where, "keys": list(space.keys), "dates": [d.isoformat() for d in space.days],
                      "dimensions": {d.key: len(d.values) for d in space.dims}}}


def _order(space: Space) -> list[int]:
    """Axes widened first-to-last: the date, then the dimensions with the most values (measured: fewer
    cells than fewest-first or the declared order on the example overlays)."""
    return [-1] + sorted(range(len(space.dims)), key=lambda i: -len(space.dims[i].values))


def _attribute(cells: list[dict], base_files, overlay) -> None:
    """Each cell's `edits`: the smallest set of the overlay's edits that gives its example the changed
    outcome (`attribution.attribute_edits`, on the example, which stands for the cell)."""
    from wfikb.analysis.attribution import attribute_edits
    from wfikb.analysis.diff import evaluate, outcome
    from wfikb.loader import Policy
    scs = [from_dict(c["example"]) for c in cells]
    after = [outcome(ev) for ev in evaluate(Engine(Policy.from_files(base_files + overlay.files), refuse_broken=False), scs)]
    for c, a in zip(cells, attribute_edits(base_files, overlay, scs, after)):
        c["edits"] = a["edits"]
        if not a["minimal"]:
            c["edits_minimal"] = False


def moves(before, after) -> str:
    """A cell's change in words: the regime, then each activity's status, before -> after; the other
    outputs (sanction risks, conclusions) counted."""
    import re
    pat = re.compile(r"^(regime|status)\((?:(\w+),)?(\w+)\)$")
    sides = [{}, {}]
    rest = 0
    for side, outs in zip(sides, (before, after)):
        for o in outs:
            m = pat.match(o)
            if m:
                side[m.group(2) or "regime"] = m.group(3)
            else:
                rest += 1
    keys = sorted(set(sides[0]) | set(sides[1]), key=lambda k: (k != "regime", k))
    parts = [f"{k}: {sides[0].get(k, 'none')} -> {sides[1].get(k, 'none')}" for k in keys]
    if rest:
        parts.append(f"{rest} other output{'s' if rest > 1 else ''}")
    return ", ".join(parts)


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
    from wfikb.analysis import edits
    from wfikb.loader.source import read_roots
    base_files = read_roots([default_policy_dir()])
    ov = edits.read(Path(a.overlay), [default_policy_dir()])
    base, changed = Policy.from_files(base_files), Policy.from_files(base_files + ov.files)
    where = dict(w.split("=", 1) for w in a.where)
    r = diff(base, changed, on=a.on or dt.date.today(), where=where, keys=a.keys, max_children=a.children,
             overlay=(base_files, ov))
    for c in r["cells"]:
        c.pop("box")
    print(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
