"""The bounded circumstance space: the vocabulary's values, with dates and numbers cut into bands.

Bands are read off the loaded policies, never a hand-kept list (`wfikb.thresholds.compared_values`): a small dataflow over
the clauses follows each derived quantity (a date's years/months/days since, its date_of, a money,
hours or int input) through the heads that carry it, and collects every constant or parameter value
(param/4, all dates) it is compared with. A threshold t cuts the quantity at t and t+1, so `<`, `<=`,
`=`, `>=`, `>` against t all fall on band edges. A date key's cuts (in years, months, days and
absolute dates) become one axis, days before the scenario date, so one band is one set of facts.

`Space.program()` states the space as ground generator facts: profile S (0..N-1) picks value
(S / stride) mod size of each dimension, and one rule per input predicate turns the pick into the
facts the policy reads (`years_since`, `months_since`, `days_since`, money in pence, ...), made by
`wfikb.facts` for the band's representative value, so the solver sees exactly what the engine sees.

Limits (stated, not hidden): a comparison between a sum of quantities and a threshold (e.g. the
couple earnings threshold on E + E2) is cut on each quantity alone; keys outside `keys` are absent;
`ask` is fixed (every activity asked).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from clingo import Function, Number, Symbol

from wfikb import dates, facts, vocabulary as voc
from wfikb.thresholds import compared_values as thresholds
from wfikb.scenario import Scenario, from_dict

# The keys that vary by default, per benefit (the rest absent). Bands and values are derived; which
# keys vary is a size choice, stated in every result as `keys`.
DEFAULT_KEYS = {
    "universal_credit": ("couple", "responsible_carer", "capability", "children", "earnings_monthly",
                         "carers_allowance", "student"),
}
GENERIC_KEYS = ("couple", "lone_parent", "esa_group", "children", "born", "carers_allowance")
MAX_CHILDREN = 2


# ------------------------------------------------------------------ dimensions
@dataclass
class Value:
    label: str
    claimant: dict = field(default_factory=dict)      # scenario fragment (contract section 1 shape)
    children: list = field(default_factory=list)
    order: int = 0
    lo: int | None = None       # ordered dims: the band's lowest quantity (days before the date; pence; ...)


@dataclass
class Dim:
    key: str
    values: list[Value]
    ordered: bool = False
    slot: int = 0          # a child slot: its child is numbered `slot`


def _date_cuts(ths: dict, who: str, key: str, on: dt.date) -> list[int]:
    """Cuts of a date key on one axis: days before `on` (older dates have larger values)."""
    cuts = set()
    for t in ths.get(("years", who, key), ()):
        for y in (t, t + 1):
            if 0 <= y <= 120:
                cuts.add((on - dates.anniversary(on, -y)).days if y else 0)
    for t in ths.get(("months", who, key), ()):
        for m in (t, t + 1):
            if 0 <= m <= 1440:
                cuts.add((on - dates.add_months(on, -m)).days)
                cuts.add((on - dates.add_months(on, -m)).days + 1)
    for t in ths.get(("days", who, key), ()):
        cuts.update({t, t + 1})
    for t in ths.get(("date", who, key), ()):
        try:
            d = dates.from_int(t)
        except ValueError:
            continue
        cuts.update({(on - d).days, (on - d).days + 1})
    return sorted(c for c in cuts if -3650 <= c <= 120 * 366)


def _date_values(cuts: list[int], on: dt.date, future_ok: bool) -> list[tuple[str, dt.date, int]]:
    lo = -366 if future_ok else 0
    pts = sorted({c for c in cuts if c >= lo} | {lo})
    out = []
    for i, c in enumerate(pts):
        hi = pts[i + 1] - 1 if i + 1 < len(pts) else None
        d = on - dt.timedelta(days=c)
        age = dates.completed_years(d, on) if c >= 0 else None
        if hi is None:
            label = f"{c}+ days before" if age is None else f"aged {age}+ ({c}+ days)"
        else:
            label = f"{c} to {hi} days before"
            if age is not None:
                label = f"aged {age}" + (f" ({c}-{hi} days)" if dates.completed_years(on - dt.timedelta(days=hi), on) == age
                                         else f"-{dates.completed_years(on - dt.timedelta(days=hi), on)} ({c}-{hi} days)")
        out.append((label, d, c))
    return out


def _number_values(cuts: set[int], lo: int, hi: int) -> list[int]:
    pts = sorted({c for t in cuts for c in (t, t + 1) if lo <= c <= hi} | {lo})
    return pts


def dimensions(policies, days: list, keys, where: dict, max_children: int = MAX_CHILDREN, pair: bool = False) -> list[Dim]:
    on = days[0]
    ths = thresholds(*policies, days=days)

    def cuts(who, key):     # days before `on`; a pair of dates (law on D1 vs D2) cuts on both calendars
        out = set(_date_cuts(ths, who, key, on))
        if pair:
            out |= {c - (days[-1] - on).days for c in _date_cuts(ths, who, key, days[-1])}
        return sorted(out)
    decl = voc.fields("claimant")
    dims = []
    for key in keys:
        if key in where:
            continue
        f = decl[key]
        if f.kind == "bool":
            dims.append(Dim(key, [Value("no", {}, order=0), Value("yes", {key: True}, order=1)]))
        elif f.kind == "enum":
            vals = [] if f.default else [Value("absent", {})]
            dims.append(Dim(key, vals + [Value(v, {key: v}) for v in f.values]))
        elif f.kind in ("money", "hours", "int"):
            scale = {"money": 100, "hours": 100, "int": 1}[f.kind]
            top = int((f.maximum or 10**6) * scale)
            pts = _number_values(ths.get(("value", f.pred), set()), 0, top)
            vals = [Value("absent", {})]
            for i, p in enumerate(pts):
                nxt = pts[i + 1] - 1 if i + 1 < len(pts) else None
                shown = (lambda x: f"{x / scale:g}") if scale != 1 else str
                label = f"{shown(p)}+" if nxt is None else (shown(p) if nxt == p else f"{shown(p)}-{shown(nxt)}")
                vals.append(Value(label, {key: p / scale if scale != 1 else p}, order=i + 1, lo=p))
            dims.append(Dim(key, vals, ordered=True))
        elif f.kind == "date":
            who = f.who if f.who == "partner" else "claimant"
            vals = [] if key == "born" else [Value("absent", {})]
            for i, (label, d, c) in enumerate(_date_values(cuts(who, f.date_key), on, f.future_ok)):
                vals.append(Value(label, {key: d.isoformat()}, order=i + 1, lo=c))
            dims.append(Dim(key, vals, ordered=True))
        elif f.kind == "children":
            # One dimension per child slot (1..MAX_CHILDREN), each: none, or a band of age, foster or not.
            # Slots are ordered, so "one child aged 2" is two profiles (in slot 1 or slot 2): counts are of
            # slot assignments, stated in docs/analysts.md.
            bands = _date_values(cuts("child", "born"), on, False)
            bands = [(lab, d, c) for lab, d, c in bands if dates.completed_years(d, on) < 20]
            for n in range(1, max_children + 1):
                vals = [Value("none", {}, [], order=0)]
                vals += [Value(lab, {}, [{"born": d.isoformat()}], order=i + 1, lo=c) for i, (lab, d, c) in enumerate(bands)]
                vals += [Value(lab + ", foster", {}, [{"born": d.isoformat(), "foster": True}], order=i + 1, lo=c)
                         for i, (lab, d, c) in enumerate(bands)]
                dims.append(Dim(f"child{n}", vals, slot=n))
    return dims


def parse_where(pairs) -> dict:
    """KEY=VALUE strings (or a dict of strings) -> claimant values typed by the vocabulary."""
    decl = voc.fields("claimant")
    out = {}
    items = pairs.items() if isinstance(pairs, dict) else (p.split("=", 1) for p in pairs)
    for k, v in items:
        f = decl.get(k)
        if f is None or f.kind == "children":
            raise ValueError(f"--where {k}: expected a claimant key of the vocabulary")
        try:
            if not isinstance(v, str):
                out[k] = v
            elif f.kind == "bool":
                out[k] = {"true": True, "yes": True, "false": False, "no": False}[v.lower()]
            elif f.kind in ("int",):
                out[k] = int(v)
            elif f.kind in ("money", "hours"):
                out[k] = float(v)
            else:
                out[k] = v
        except (KeyError, ValueError):
            raise ValueError(f"--where {k}: expected {'true or false' if f.kind == 'bool' else 'a number'}; "
                             f"got {v!r}") from None
    return out


# ------------------------------------------------------------------ the space
@dataclass
class Space:
    days: list[dt.date]
    dims: list[Dim]
    where: dict
    keys: tuple
    pair: bool = False      # days = [D1, D2]: one profile (absolute dates) seen on both, not a date axis

    @classmethod
    def build(cls, policies, on=None, between=None, where=None, keys=None, max_children=MAX_CHILDREN, dates=None):
        """dates=(D1, D2): the space of `wfikb diff --from-date D1 --to-date D2 --exhaustive`: every
        profile's dates are absolute, its facts made on D1 (base) and on D2 (`_v2_`, choice_program)."""
        where = parse_where(where or {})
        benefit = where.setdefault("benefit", "universal_credit")
        if keys is None:
            keys = DEFAULT_KEYS.get(benefit, GENERIC_KEYS)
        keys = tuple(k for k in keys if k != "benefit")
        if dates:
            days = list(dates)
        else:
            days = [on] if on else _date_bands(policies, *between) if between else [dt.date.today()]
        dims = dimensions(policies, days, keys, where, max_children, pair=bool(dates))
        return cls(days, dims, where, keys, pair=bool(dates))

    @property
    def ndates(self) -> int:
        """Values of the date axis (-1): the dates, or one when the two dates are a pair."""
        return 1 if self.pair else len(self.days)

    def _base(self, on: dt.date) -> dt.date:
        """The date a value's dates are shifted from to fall on `on` (none for a pair: dates are absolute)."""
        return on if self.pair else self.days[0]

    @property
    def size(self) -> int:
        n = self.ndates
        for d in self.dims:
            n *= len(d.values)
        return n

    def decode(self, s: int) -> tuple[int, list[int]]:
        t, s = s % self.ndates, s // self.ndates
        out = []
        for d in self.dims:
            out.append(s % len(d.values))
            s //= len(d.values)
        return t, out

    def scenario_dict(self, s: int, expect: dict | None = None) -> dict:
        t, picks = self.decode(s)
        on = self.days[-1] if self.pair else self.days[t]
        claimant = {k: v for k, v in self.where.items()}
        children = []
        for d, i in zip(self.dims, picks):
            v = d.values[i]
            claimant.update(_shift(v.claimant, self._base(on), on))
            children += [_shift(c, self._base(on), on) for c in v.children]
        if children:
            claimant["children"] = children
        out = {"id": f"profile-{s}", "date": on.isoformat(), "claimant": claimant,
               "ask": {"activities": list(voc.ACTIVITIES)}}
        if expect:
            out["expect"] = expect
        return out

    def scenario(self, s: int) -> Scenario:
        return from_dict(self.scenario_dict(s))

    def program(self) -> tuple[str, list[Symbol]]:
        """The generator: rules as text (no user strings) and its ground facts as symbols."""
        rows: list[Symbol] = []
        preds: set[tuple[str, int]] = set()
        stride = len(self.days)
        rows.append(Function("_dim", [Number(-1), Number(1), Number(len(self.days))]))
        own = self._own_preds()
        for t, on in enumerate(self.days):
            rows.append(Function("_today", [Number(t), Number(dates.as_int(on))]))
            self._shared_rows(t, on, own, rows, preds)
        for di, d in enumerate(self.dims):
            rows.append(Function("_dim", [Number(di), Number(stride), Number(len(d.values))]))
            stride *= len(d.values)
            for vi, v in enumerate(d.values):
                for t, on in enumerate(self.days):
                    for sym in _value_facts(v, self.days[0], on, d.slot, own.get(d.key)):
                        rows.append(Function("_sv_" + sym.name, [Number(t), Number(di), Number(vi)] + sym.arguments[1:]))
                        preds.add((sym.name, len(sym.arguments)))
        text = [f"_prof(0..{self.size - 1}).", "_sel(S, D, (S / St) \\ Sz) :- _prof(S), _dim(D, St, Sz).",
                "scenario(S) :- _prof(S).", "_sel(S, -2, 0) :- _prof(S).",  # -2: the facts every profile shares
                "today(S, Y) :- _sel(S, -1, T), _today(T, Y)."]
        for name, n in sorted(preds):
            xs = ", ".join(f"X{i}" for i in range(1, n))
            text.append(f"{name}(S{', ' + xs if xs else ''}) :- _sel(S, -1, T), _sel(S, D, I), "
                        f"_sv_{name}(T, D, I{', ' + xs if xs else ''}).")
        # children of a pick are numbered by the dimension's own order: one dimension holds them all.
        return "\n".join(text) + "\n", rows

    def encode(self, t: int, picks: list[int]) -> int:
        """The profile number of date index t and one value index per dimension (inverse of decode)."""
        s, stride = t, self.ndates
        for d, i in zip(self.dims, picks):
            s += i * stride
            stride *= len(d.values)
        return s

    def _shared_rows(self, t: int, on: dt.date, own: dict, rows: list, preds: set) -> None:
        """The facts every profile shares on day `t` (the `where` fixes, all activities asked), as
        `_sv_` rows of the pseudo-dimension -2."""
        base = from_dict({"id": "x", "date": on.isoformat(), "claimant": dict(self.where),
                          "ask": {"activities": list(voc.ACTIVITIES)}})
        for sym in facts.scenario_facts(0, base):
            if sym.name not in ("scenario", "today", *own.values()):
                rows.append(Function("_sv_" + sym.name, [Number(t), Number(-2), Number(0)] + sym.arguments[1:]))
                preds.add((sym.name, len(sym.arguments)))

    def _own_preds(self) -> dict[str, str]:
        """Varied keys with a default (nation) -> their predicate: each of their values states its
        own fact, and the facts every profile shares leave it out (else every profile would keep
        the default whatever its value)."""
        decl = voc.fields("claimant")
        return {d.key: decl[d.key].pred for d in self.dims if d.key in decl and decl[d.key].default}

    def members(self, box: dict) -> list[int]:
        """The profile numbers inside a box (axis -> allowed value indices; axis -1 is the date)."""
        import itertools
        axes = [sorted(box.get(-1, range(self.ndates)))] + [
            sorted(box.get(i, range(len(d.values)))) for i, d in enumerate(self.dims)]
        return sorted(self.encode(c[0], list(c[1:])) for c in itertools.product(*axes))

    def choice_program(self) -> tuple[str, list[Symbol]]:
        """The space as ONE symbolic profile: the solver picks one value per axis (`_pick(D, I)`, D = -1
        the date), and one rule per input predicate turns the picks into the facts of profile 0. The
        policy grounded with it covers every profile at once (docs/analysts.md, "One program")."""
        rows: list[Symbol] = [Function("_axis", [Number(-1)])]
        preds: set[tuple[str, int]] = set()
        own = self._own_preds()
        for t, on in enumerate(self.days):
            rows.append(Function("_today", [Number(t), Number(dates.as_int(on))]))
            if t < self.ndates:
                rows.append(Function("_val", [Number(-1), Number(t)]))
            self._shared_rows(t, on, own, rows, preds)
        for di, d in enumerate(self.dims):
            rows.append(Function("_axis", [Number(di)]))
            for vi, v in enumerate(d.values):
                rows.append(Function("_val", [Number(di), Number(vi)]))
                for t, on in enumerate(self.days):
                    for sym in _value_facts(v, self._base(on), on, d.slot, own.get(d.key)):
                        rows.append(Function("_sv_" + sym.name, [Number(t), Number(di), Number(vi)] + sym.arguments[1:]))
                        preds.add((sym.name, len(sym.arguments)))
        text = ["1 { _pick(D, I) : _val(D, I) } 1 :- _axis(D).", "_pick(-2, 0).", "scenario(0).",
                "today(0, Y) :- _pick(-1, T), _today(T, Y)."]
        if self.pair:           # the second version reads the same profile's facts on the second date
            text += ["_v2_scenario(0).", "_v2_today(0, Y) :- _today(1, Y)."]
        for name, n in sorted(preds):
            xs = "".join(f", X{i}" for i in range(1, n))
            text.append(f"{name}(0{xs}) :- _pick(-1, T), _pick(D, I), _sv_{name}(T, D, I{xs}).")
            if self.pair:
                text.append(f"_v2_{name}(0{xs}) :- _pick(D, I), _sv_{name}(1, D, I{xs}).")
        return "\n".join(text) + "\n", rows

    def input_predicates(self) -> set[str]:
        return {"scenario", "today"} | {n for n, _ in self._preds()}

    def _preds(self):
        return {(p, a) for (p, a), _ in voc.input_predicates().items()} | {
            ("date_of", 4), ("days_since", 4), ("weekday", 4), ("years_since", 4), ("months_since", 5), ("child", 2)}

    def describe(self, di: int, picks: set[int]) -> str | list[str]:
        d = self.dims[di]
        vals = sorted(picks)
        if d.slot:
            return _describe_child(d, picks)
        if d.ordered and len(vals) > 1 and vals == list(range(vals[0], vals[-1] + 1)):
            return f"{d.values[vals[0]].label} .. {d.values[vals[-1]].label}"
        if len(vals) > len(d.values) / 2:
            return "any except " + " or ".join(d.values[i].label for i in range(len(d.values)) if i not in picks)
        return [d.values[i].label for i in vals]


def _describe_child(d: Dim, picks: set[int]) -> list[str]:
    """A child slot's values in words: 'none', then runs of neighbouring age bands, foster or not."""
    bands = (len(d.values) - 1) // 2          # values: none, each band, each band fostered
    plain = {i for i in picks if 1 <= i <= bands}
    foster = {i - bands for i in picks if i > bands}
    out = ["none"] if 0 in picks else []
    for ages, how in ((plain & foster, ""), (plain - foster, ", not foster"), (foster - plain, ", foster")):
        run: list[int] = []
        for i in sorted(ages) + [None]:
            if run and (i is None or i != run[-1] + 1):
                first, last = d.values[run[0]].label, d.values[run[-1]].label
                out.append((first if len(run) == 1 else f"{first} .. {last}") + how)
                run = []
            if i is not None:
                run.append(i)
    return out


def _shift(frag: dict, base: dt.date, on: dt.date) -> dict:
    """A fragment built for `base`, moved to `on` (dates keep their distance in days)."""
    if base == on:
        return dict(frag)
    out = {}
    for k, v in frag.items():
        if isinstance(v, str) and len(v) == 10 and v[4] == "-":
            v = (dt.date.fromisoformat(v) + (on - base)).isoformat()
        out[k] = v
    return out


def _value_facts(v: Value, base: dt.date, on: dt.date, slot: int = 0, own: str | None = None) -> list[Symbol]:
    claimant = {"benefit": "universal_credit", **_shift(v.claimant, base, on)}
    if v.children:
        claimant["children"] = [_shift(c, base, on) for c in v.children]
    sc = from_dict({"id": "x", "date": on.isoformat(), "claimant": claimant})
    shared = {"scenario", "today", "benefit", "nation"} - {own}
    out = [s for s in facts.scenario_facts(0, sc) if s.name not in shared]
    return [_renumber(s, slot) for s in out] if slot > 1 else out


def _renumber(sym: Symbol, slot: int) -> Symbol:
    """Child 1 of a one-child fragment becomes child `slot` (in child(S, C), child_*(S, C), child(C))."""
    one, c = Number(1), Number(slot)
    args = [c if a == one and i == 1 and (sym.name == "child" or sym.name.startswith("child_")) else
            Function("child", [c]) if a == Function("child", [one]) else a for i, a in enumerate(sym.arguments)]
    return Function(sym.name, args)


def _date_bands(policies, d1: dt.date, d2: dt.date) -> list[dt.date]:
    """The scenario dates between d1 and d2 at which a window or parameter starts or ends."""
    edges = {d1}
    for policy in policies:
        for c in policy.clauses:
            if c.is_fact and c.head[1] in ("param", "window"):
                for a in c.head[2][-2:]:
                    if a[0] == "n":
                        for n in (a[1], a[1] + 1):
                            try:
                                d = dates.from_int(n)
                            except ValueError:
                                continue
                            if d1 < d <= d2:
                                edges.add(d)
    return sorted(edges)
