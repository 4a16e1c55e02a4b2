"""Teaching pairs over the circumstance space: one clingo run over every profile, then the pairs.

The space is the analysts' (`wfikb.analysis.space.Space`: bands read off the policy's own thresholds).
One program grounds the policy over every profile with the condition tests of
`wfikb.training.conditions` (`_tf`, `_tw`, `_bad`); the solver's single model says, for every
profile, which clauses fire, which conditions fail while the rest of their clause holds, which
profiles a consistency constraint refuses, and the outcome (regime, statuses, sanction risks,
conclusions). A candidate pair for condition j of clause k is a profile A where k fires and a
profile B one circumstance away (an adjacent band of one ordered key, another value of one other
key, a child added, removed or placed as a foster child) where j fails while the rest of k holds,
and whose outcome differs from A's.

Across a band edge the younger (or lower) side is moved to the last value of its band, so a pair sits
on the policy's own boundary: the day before a birthday against the birthday, one penny under a
threshold against the threshold. Every value inside a band gives the same facts (space.py), so this
changes nothing the solver saw.

A condition without a candidate is unreachable, and the model says why (`reason`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wfikb import vocabulary as voc
from wfikb.analysis.exhaustive import solve_space
from wfikb.analysis.space import Space
from wfikb.errors import InputError
from wfikb.scenario import from_dict
from wfikb.training import conditions as conds

OUTPUTS = ("regime", "status", "sanction_risk", "conclude")
VARIABLE_KINDS = ("bool", "enum", "money", "hours", "int", "date", "children")
BUDGET = 4000            # profiles: about a second of grounding per thousand


@dataclass(frozen=True)
class Node:
    """A concrete scenario: a profile, and optionally one ordered dimension moved to `qty` (the last
    value of its band, next to a boundary) instead of the band's first value."""
    profile: int
    dim: int | None = None
    qty: int | None = None


@dataclass
class Candidate:
    cond: int                  # index into the condition list
    a: Node                    # the clause fires
    b: Node                    # the condition fails, the rest of the clause holds
    dim: int                   # the dimension that differs (-1: the date)


def build_space(policy, rule_ids, on=None, between=None, where=None, keys=None, max_children=1,
                budget=BUDGET) -> Space:
    where = dict(where or {})
    if "benefit" not in where:
        named = conds.benefits_named(policy, rule_ids)
        where["benefit"] = named[0] if named else "universal_credit"
    on = on or (None if between else dt.date.today())
    decl = voc.fields("claimant")
    for k in keys or ():
        if k not in decl or decl[k].kind not in VARIABLE_KINDS or k == "benefit":
            raise InputError("--keys", None, f"expected claimant keys of the vocabulary that can vary "
                                             f"(kinds {', '.join(VARIABLE_KINDS)}), not {k!r}")
    from_dict({"id": "where", "date": (on or between[0]).isoformat(), "claimant": dict(where)},
              source="--where")           # refuses a value the vocabulary does not allow, naming the key
    if keys is None:
        wanted = [k for k in conds.keys_read(policy, rule_ids)
                  if k in decl and decl[k].kind in VARIABLE_KINDS and k not in where]
        full = Space.build([policy], on=on, between=between, where=where, keys=tuple(wanted), max_children=max_children)
        sizes: dict = {}
        for d in full.dims:
            key = "children" if d.slot else d.key
            sizes[key] = sizes.get(key, 1) * len(d.values)
        keys, size = [], len(full.days)
        for k in wanted:      # the most read first, each kept while the space stays within the budget
            if size * sizes.get(k, 1) <= budget:
                keys.append(k)
                size *= sizes.get(k, 1)
    return Space.build([policy], on=on, between=between, where=where, keys=tuple(keys),
                               max_children=max_children)


@dataclass
class Solved:
    space: Space
    fire: dict                 # clause -> set of profiles
    fails: dict                # (clause, cond index) -> set of profiles
    bad: set
    outcome: dict              # profile -> outcome id
    outcomes: list             # outcome id -> frozenset of output strings


def solve(policy, space: Space, cl: list) -> Solved:
    extra = conds.program(policy, cl) + "".join(f"#show {n}/{a}. " for n, a in (
        ("_tf", 2), ("_tw", 3), ("_bad", 1), ("regime", 2), ("status", 3), ("sanction_risk", 2), ("conclude", 3))) + "\n"
    atoms = solve_space(space, policy.plain_program_text, None, extra)
    fire: dict = {}
    fails: dict = {}
    bad: set = set()
    out: dict[int, list] = {}
    for a in atoms:
        args = a.arguments
        s = args[0].number
        if a.name == "_tf":
            fire.setdefault(args[1].number, set()).add(s)
        elif a.name == "_tw":
            fails.setdefault((args[1].number, args[2].number), set()).add(s)
        elif a.name == "_bad":
            bad.add(s)
        else:
            out.setdefault(s, []).append(f"{a.name}({','.join(map(str, args[1:]))})")
    ids: dict = {}
    outcome = {}
    for s in range(space.size):
        sig = frozenset(out.get(s, ()))
        outcome[s] = ids.setdefault(sig, len(ids))
    outcomes = sorted(ids, key=ids.get)
    return Solved(space, fire, fails, bad, outcome, outcomes)


def _strides(space: Space) -> list[int]:
    st = [len(space.days)]
    for d in space.dims:
        st.append(st[-1] * len(d.values))
    return st


def moves(space: Space, di: int, i: int) -> list[int]:
    """The values one circumstance away from value i of dimension di."""
    d = space.dims[di]
    n = len(d.values)
    if d.slot:
        k = (n - 1) // 2
        if i == 0:
            return list(range(1, n))
        idx, foster = (i - 1) % k, (i - 1) // k
        out = [0] + [1 + foster * k + j for j in (idx - 1, idx + 1) if 0 <= j < k]
        return out + [1 + (1 - foster) * k + idx]
    if d.ordered:
        if d.values[i].lo is None:
            return [j for j in range(n) if j != i]
        out = [j for j in range(n) if d.values[j].lo is None]
        return out + [j for j in (i - 1, i + 1) if 0 <= j < n and d.values[j].lo is not None]
    return [j for j in range(n) if j != i]


def candidates(solved: Solved, cl: list) -> tuple[list[list[Candidate]], list[str | None]]:
    """Per condition: its candidate pairs, and (when there is none) the reason, from the model."""
    space = solved.space
    st = _strides(space)
    ndays = len(space.days)
    per: list[list[Candidate]] = []
    reasons: list[str | None] = []
    for ci, c in enumerate(cl):
        fire = solved.fire.get(c.clause, set()) - solved.bad
        fails = solved.fails.get((c.clause, c.index), set()) - solved.bad
        found: list[Candidate] = []
        near = 0
        for a in sorted(fire):
            t, picks = space.decode(a)
            steps = [(-1, u) for u in (t - 1, t + 1) if 0 <= u < ndays]
            steps += [(di, v) for di in range(len(space.dims)) for v in moves(space, di, picks[di])]
            for di, v in steps:
                b = a + (v - t) if di < 0 else a + (v - picks[di]) * st[di]
                if b not in fails:
                    continue
                near += 1
                if solved.outcome[a] != solved.outcome[b]:
                    found.append(_edge(space, ci, a, b, di, picks, v))
        per.append(found)
        reasons.append(None if found else _reason(space, c, fire, fails, near))
    return per, reasons


def _edge(space: Space, ci: int, a: int, b: int, di: int, picks: list[int], v: int) -> Candidate:
    """The pair, with the lower side of a band edge moved to the last value of its band."""
    na, nb = Node(a), Node(b)
    if di >= 0:
        d = space.dims[di]
        lo_a, lo_b = d.values[picks[di]].lo, d.values[v].lo
        if lo_a is not None and lo_b is not None and lo_a != lo_b:
            cut = max(lo_a, lo_b)
            if lo_a < lo_b:
                na = Node(a, di, cut - 1)
            else:
                nb = Node(b, di, cut - 1)
    return Candidate(ci, na, nb, di)


FIXED = {"benefit": "the space fixes the benefit (--where benefit=...)",
         "asked": "every activity is asked in every profile",
         "in force": "the scenario date is fixed (--between adds the dates where windows start or end)",
         "in_force": "the scenario date is fixed (--between adds the dates where windows start or end)",
         "_in_force": "the scenario date is fixed (--between adds the dates where windows start or end)"}


def _reason(space: Space, c, fire: set, fails: set, near: int) -> str:
    n = space.size
    if not fire:
        return f"the clause never fires in any of the {n} profiles of the space"
    if not fails:
        pred = c.source.split("(")[0].removeprefix("not ").strip()
        why = FIXED.get(pred, "a circumstance the space fixes or does not vary decides it")
        if "in_force" in pred or pred == "in force":
            if len(space.days) > 1:
                why = "on the dates where the window is closed, the rest of the clause fails too (a dated parameter or window)"
        return f"it never fails while the rest of the clause holds, in any of the {n} profiles: {why}"
    if not near:
        return (f"no profile where it fails (with the rest of the clause holding) is one circumstance away from "
                f"one where the clause fires, among the {n} profiles")
    return (f"masked: in each of the {near} pairs one circumstance apart in which it fails (among the {n} "
            f"profiles), the outcome is the same: another rule gives the same result")
