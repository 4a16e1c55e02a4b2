"""Choosing the teaching set: clingo optimisation over the candidate pairs.

Facts `_cand(P, C, A, B)` (pair P teaches condition C with scenarios A and B) and `_lab(A, D, V)` (scenario
A has value V of dimension D) go in through the backend. The solver chooses pairs so that every
reachable condition is taught; it minimises first the number of scenarios, then maximises diversity
(distinct values of the dimensions among the chosen scenarios), then minimises the number of pairs.
The search stops after a fixed number of conflicts (never a time limit), so the same input and seed
give the same set on every machine; whether the optimum was proved is reported.

Each condition keeps at most `PER_CONDITION` candidates: those whose scenarios can serve the most
conditions, ties broken by the seed.
"""
from __future__ import annotations

import hashlib

import clingo
from clingo import Function, Number

PER_CONDITION = 24
CONFLICTS = 200_000

RULES = """
{ _use(P) : _cand(P, _, _, _) }.
_cov(C) :- _use(P), _cand(P, C, _, _).
:- _cond(C), not _cov(C).
_in(A) :- _use(P), _cand(P, _, A, _).
_in(B) :- _use(P), _cand(P, _, _, B).
_seen(D, V) :- _in(A), _lab(A, D, V).
#minimize { 1@3, A : _in(A) }.
#maximize { 1@2, D, V : _seen(D, V) }.
#minimize { 1@1, P : _use(P) }.
#show _use/1.
"""


def _key(seed: int, *parts) -> str:
    return hashlib.sha256(repr((seed, parts)).encode()).hexdigest()


def choose(per: list[list], labels, seed: int = 0) -> tuple[list[tuple[int, object]], bool]:
    """per: each condition's candidates (with .a, .b nodes); labels(node) -> [(dim, value)].
    Returns the chosen (condition, candidate) pairs, one per reachable condition, and whether the
    set is proved the smallest."""
    serves: dict = {}
    for ci, cands in enumerate(per):
        for c in cands:
            for n in (c.a, c.b):
                serves.setdefault(n, set()).add(ci)
    kept: list[list] = []
    for ci, cands in enumerate(per):
        ranked = sorted(cands, key=lambda c: (-(len(serves[c.a]) + len(serves[c.b])), _key(seed, ci, c.a, c.b)))
        kept.append(ranked[:PER_CONDITION])
    # A pair (the same two scenarios) may teach several conditions: one pair id for each.
    pair_ids: dict = {}
    nodes: dict = {}
    rows = []
    for ci, cands in enumerate(kept):
        if not cands:
            continue
        rows.append(Function("_cond", [Number(ci)]))
        for c in cands:
            pid = pair_ids.setdefault((c.a, c.b), len(pair_ids))
            for n in (c.a, c.b):
                if n not in nodes:
                    nodes[n] = len(nodes)
                    for d, v in labels(n):
                        rows.append(Function("_lab", [Number(nodes[n]), Number(d), Number(v)]))
            rows.append(Function("_cand", [Number(pid), Number(ci), Number(nodes[c.a]), Number(nodes[c.b])]))
    if not pair_ids:
        return [], True
    ctl = clingo.Control(["--opt-mode=opt", f"--solve-limit={CONFLICTS}", "--seed=0"], logger=lambda *_: None)
    ctl.add("base", [], RULES)
    with ctl.backend() as b:
        for sym in rows:
            b.add_rule([b.add_atom(sym)])
    ctl.ground([("base", [])])
    best: list = []
    res = ctl.solve(on_model=lambda m: best.__setitem__(slice(None), m.symbols(shown=True)))
    used = {a.arguments[0].number for a in best}
    out = []
    for ci, cands in enumerate(kept):
        for c in cands:
            if pair_ids[(c.a, c.b)] in used:
                out.append((ci, c))
                break
    return out, bool(res.exhausted)
