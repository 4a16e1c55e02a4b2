"""Thresholds read off a loaded policy: every value each derived quantity is compared with.

A small dataflow over the clauses follows each quantity the rules compare (a date key's years, months or
days since, its date_of; a money, hours or int input) through the heads that carry it onward, and collects
every constant and `param/4` value (in force on the given days) compared with it, directly or through an
assignment. `wfikb.analysis.space` cuts each quantity into bands at these values.
"""
from __future__ import annotations

import itertools

from wfikb import dates, vocabulary as voc

QUANT_PREDS = {("years_since", 4): "years", ("months_since", 5): "months", ("days_since", 4): "days",
               ("date_of", 4): "date"}


def _param_values(policy, days=None) -> dict[str, set[int]]:
    """Each parameter's values in force on one of `days` (all its values when days is None)."""
    out: dict[str, set[int]] = {}
    for c in policy.clauses:
        if c.is_fact and c.head[1] == "param" and len(c.head[2]) == 4:
            name, val, f, t = c.head[2]
            if days and f[0] == "n" and t[0] == "n" and not any(f[1] <= dates.as_int(d) <= t[1] for d in days):
                continue
            if name[0] == "f" and val[0] == "n":
                out.setdefault(name[1], set()).add(val[1])
    return out


def _eval(t, env, limit=64) -> set[int]:
    """Every integer value template t takes when each variable ranges over env's values."""
    from wfikb.terms import _arith, variables
    names = sorted(variables(t))
    if any(n not in env or not env[n] for n in names):
        return set()
    out = set()
    for combo in itertools.islice(itertools.product(*(sorted(env[n]) for n in names)), limit):
        e = dict(zip(names, combo))
        try:
            out.add(_num(t, e, _arith))
        except (KeyError, ZeroDivisionError, TypeError):
            pass
    return out


def _num(t, e, arith):
    k = t[0]
    if k == "n":
        return t[1]
    if k == "v":
        return e[t[1]]
    if k == "b":
        return arith(t[1], _num(t[2], e, arith), _num(t[3], e, arith))
    if k == "u" and t[1] == "-":
        return -_num(t[2], e, arith)
    raise KeyError(t)


def thresholds(*policies, days=None) -> dict[tuple, set[int]]:
    """Quantity -> the values it is compared with. Quantities: (kind, who, key) for dates (kind years,
    months, days or date; who claimant, partner or child) and ("value", pred) for numbers."""
    inputs = {(f.pred, 2): ("value", f.pred) for f in voc.CLAIMANT if f.kind in ("int", "money", "hours")}
    out: dict[tuple, set[int]] = {}
    for policy in policies:
        params = _param_values(policy, days)
        carriers: dict[tuple, set] = {}     # (pred, arity, pos) -> quantities carried
        values: dict[tuple, set] = {}       # (pred, arity, pos) -> parameter values carried
        for _ in range(6):                  # to a fixpoint (derived heads carry quantities onward)
            changed = False
            for c in policy.clauses:
                qv: dict[str, set] = {}
                vv: dict[str, set] = {}
                for d in c.conds:
                    if d.kind != "pos":
                        continue
                    node = d.node
                    if node[0] != "f":
                        continue
                    name, args = node[1], node[2]
                    sig = (name, len(args))
                    if name == "p" and len(args) == 3 and args[1][0] == "f" and args[2][0] == "v":
                        vv.setdefault(args[2][1], set()).update(params.get(args[1][1], ()))
                    for i, a in enumerate(args):
                        if a[0] != "v":
                            continue
                        q = None
                        if sig in QUANT_PREDS and i == 3:
                            who = args[1][1] if args[1][0] == "f" else "?"
                            key = args[2][1] if args[2][0] == "f" else "?"
                            q = (QUANT_PREDS[sig], who, key)
                        elif sig in inputs and i == 1:
                            q = inputs[sig]
                        if q:
                            qv.setdefault(a[1], set()).add(q)
                        qv.setdefault(a[1], set()).update(carriers.get((name, len(args), i), ()))
                        vv.setdefault(a[1], set()).update(values.get((name, len(args), i), ()))
                cmps = [d for d in c.conds if d.kind == "cmp"]
                bound = {v for d in c.conds if d.kind == "pos" for v in d.variables}
                for d in cmps:                 # X = expr: X carries what expr's variables carry
                    left, guards = d.node
                    if d.assigns and d.assigns not in bound and left[0] == "v" and len(guards) == 1 and guards[0][0] == "=":
                        from wfikb.terms import variables
                        vs = variables(guards[0][1])
                        qs = set().union(*(qv.get(v, set()) for v in vs)) if vs else set()
                        if qs:
                            qv.setdefault(left[1], set()).update(qs)
                        else:
                            vv.setdefault(left[1], set()).update(_eval(guards[0][1], vv))
                for d in cmps:
                    left, guards = d.node
                    for a, (op, b) in zip((left,) + tuple(g[1] for g in guards[:-1]), guards):
                        for x, y in ((a, b), (b, a)):
                            if x[0] == "v" and qv.get(x[1]) and not (d.assigns == x[1] and x[1] not in bound):
                                vals = _eval(y, vv) if y[0] != "v" or not qv.get(y[1]) else set()
                                for q in qv[x[1]]:
                                    out.setdefault(q, set()).update(vals)
                head = c.head
                if head[0] == "f":
                    for i, a in enumerate(head[2]):
                        if a[0] == "v":
                            k = (head[1], len(head[2]), i)
                            for src, dst in ((qv, carriers), (vv, values)):
                                new = src.get(a[1], set()) - dst.get(k, set())
                                if new:
                                    dst.setdefault(k, set()).update(new)
                                    changed = True
            if not changed:
                break
    return out
