"""Cells as cubes: the profiles of the space where a target holds, covered by disjoint maximal cubes.

The space is ONE symbolic profile (`Space.choice_program`: the solver picks one value per axis) grounded
once with the policy (or both policy versions side by side). A cube is a box: each axis restricted to a
set of its values. Cover loop:

1. find a profile where the target holds, outside every cube found so far (one solve, assumptions);
2. read its signature (e.g. the outputs lost and gained), then widen its box axis by axis: the axis's
   candidate values are all its values; a solve under assumptions (every pick outside the widened box
   false) looks for a profile inside it that is *bad*: not of the signature, or inside an earlier cube.
   Each model found removes its value of that axis from the candidates; an UNSAT call accepts the rest;
3. the cube is recorded (a fresh atom `c_k` true exactly inside it), and the loop repeats until no
   profile with the target is left outside the cubes.

Every profile where the target holds lies in exactly one cube, every profile of a cube has the cube's
signature, and a cube's count is the product of its value sets less its overlap with the cubes of
profiles the consistency constraints exclude (covered the same way, once), so the counts are exact.
No Python loop over profiles.
"""
from __future__ import annotations

import clingo
from clingo import Function, Number

from wfikb.analysis.space import Space
from wfikb.errors import PolicyError


class Solver:
    """The symbolic profile with `parts` (program texts) grounded once, and the cube cover over it."""

    def __init__(self, space: Space, parts: list[str], invalid: str = ""):
        """invalid: rules deriving `_invalid` where a profile breaks a consistency constraint; such
        profiles are not in the space (never found, never counted)."""
        self.space = space
        gen, rows = space.choice_program()
        ctl = clingo.Control(["--models=1"], logger=lambda *_: None)
        ctl.add("base", [], gen)
        for p in parts:
            ctl.add("base", [], p)
        ctl.add("base", [], invalid + "#show _pick/2.\n")
        with ctl.backend() as backend:
            for sym in rows:
                backend.add_rule([backend.add_atom(sym)])
        ctl.ground([("base", [])])
        self.ctl = ctl
        self.axes = [(-1, space.ndates)] + [(i, len(d.values)) for i, d in enumerate(space.dims)]
        self.pick: dict[tuple[int, int], int] = {}
        for a, n in self.axes:
            for i in range(n):
                sa = ctl.symbolic_atoms[Function("_pick", [Number(a), Number(i)])]
                if sa is None:
                    raise PolicyError(f"the space's axis {a} value {i} has no pick")
                self.pick[(a, i)] = sa.literal
        self.calls = 0
        self.valid: list[int] = []          # assumptions keeping to valid profiles
        self.invalid_cubes: list[dict] = []
        lit = self.literal(Function("_invalid"))
        if lit is not None:
            with ctl.backend() as b:
                ok = b.add_atom()
                b.add_rule([ok], [-lit])
            self.invalid_cubes = [box for box, _, _ in self.cover(lit, lambda m: None, lambda sig: ok)]
            self.valid = [-lit]

    def literal(self, sym) -> int | None:
        sa = self.ctl.symbolic_atoms[sym]
        return sa.literal if sa is not None else None

    def atoms(self, signature: tuple[str, int]) -> list[clingo.Symbol]:
        return [sa.symbol for sa in self.ctl.symbolic_atoms.by_signature(*signature)]

    def solve(self, assumptions: list[int], read=None):
        """One model under assumptions: its picks (axis -> value), plus read(model) if given; None if UNSAT."""
        self.calls += 1
        out: list = []

        def on_model(m):
            picks = {a: i for (a, i), lit in self.pick.items() if m.is_true(lit)}
            out.append((picks, read(m) if read else None))
        res = self.ctl.solve(assumptions=assumptions, on_model=on_model)
        return out[0] if res.satisfiable else None

    def bad_values(self, assumptions: list[int], axis: int) -> set[int]:
        """Every value of `axis` some model under assumptions picks, in one solve: each model found adds
        the clause 'not that value' for the rest of the call, so the call ends after one model per value."""
        self.calls += 1
        found: set[int] = set()
        lits = {lit: i for (a, i), lit in self.pick.items() if a == axis}

        def on_model(m):
            for lit, i in lits.items():
                if m.is_true(lit):
                    found.add(i)
                    m.context.add_clause([-lit])
                    return
        self.ctl.configuration.solve.models = 0
        try:
            self.ctl.solve(assumptions=assumptions, on_model=on_model)
        finally:
            self.ctl.configuration.solve.models = 1
        return found

    def restrict(self, box: dict) -> list[int]:
        """Assumptions keeping the pick inside box (axis -> allowed values; an axis not in box is free)."""
        return [-self.pick[(a, i)] for a, n in self.axes if a in box for i in range(n) if i not in box[a]]

    def product(self, box: dict) -> int:
        n = 1
        for a, size in self.axes:
            n *= len(box[a]) if a in box else size
        return n

    def count(self, box: dict) -> int:
        """The valid profiles in box: its product less its overlap with each (disjoint) invalid cube."""
        n = self.product(box)
        for inv in self.invalid_cubes:
            meet = {a: set(box.get(a, range(size))) & set(inv.get(a, range(size))) for a, size in self.axes}
            if all(meet.values()):
                n -= self.product(meet)
        return n

    def cover(self, target: int, signature, bad_for, order=None, on_cube=None) -> list[tuple[dict, object, dict]]:
        """Disjoint maximal cubes covering every profile where literal `target` holds.
        signature(model) -> hashable (read in the model); bad_for(sig) -> a literal true where a profile
        is not of sig. Returns [(box, signature, picks of the example profile)]."""
        found, cubes = [], []
        sizes = dict(self.axes)
        order = order or [a for a, _ in self.axes]
        while True:
            got = self.solve([target] + self.valid + [-c for c in cubes], signature)
            if got is None:
                return found
            picks, sig = got
            bad = bad_for(sig)
            with self.ctl.backend() as b:       # any: bad, or inside an earlier cube
                anyb = b.add_atom()
                b.add_rule([anyb], [bad])
                for c in cubes:
                    b.add_rule([anyb], [c])
            box = {a: {picks[a]} for a, _ in self.axes}
            for a in order:
                if sizes[a] > 1:
                    box[a] = set(range(sizes[a])) - self.bad_values([anyb] + self.valid + self.restrict({**box, a: set(range(sizes[a]))}), a)
            box = {a: v for a, v in box.items() if len(v) < sizes[a]}
            with self.ctl.backend() as b:       # c: true exactly inside the cube
                c = b.add_atom()
                ins = []
                for a, vals in box.items():
                    x = b.add_atom()
                    for i in vals:
                        b.add_rule([x], [self.pick[(a, i)]])
                    ins.append(x)
                b.add_rule([c], ins)
            cubes.append(c)
            found.append((box, sig, picks))
            if on_cube:
                on_cube(self.count(box))
