"""Which stated circumstances decide the outcome: each one changed, the scenario solved again.

For every circumstance a scenario states (a claimant key, a child's key, a key of `[ask]` other than
the activities), the alternatives are the other values the circumstance space offers for it
(`wfikb.analysis.space`): the other values of an enum, the other side of a yes/no, absence, and
for dates and numbers one value in each band the policy's own thresholds cut (`thresholds`). A
child can also be absent. Each alternative is the scenario with that one circumstance changed,
validated again as a scenario file would be; one that is not a valid scenario, or that the engine
refuses (contradictory circumstances), is left out and counted.

A circumstance is *decisive* when at least one alternative changes the outcome: the UC regime, an
asked activity's status or its sanction risk. Every alternative of every scenario is solved in one
batches through the engine (`Engine.evaluate_batch`, a few hundred scenarios to a control), never one
control per alternative.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from wfikb import dates, vocabulary as voc
from wfikb.analysis.space import _date_cuts, _date_values, _number_values
from wfikb.thresholds import compared_values as thresholds
from wfikb.engine import Engine, Evaluation
from wfikb.errors import RefusedError, WfikbError
from wfikb.scenario import Scenario, from_dict

Outcome = tuple  # (regime, ((activity, status, sanction_risk), ...))

NOT_VARIED = {"activities"}     # what is asked is not a circumstance
BENEFIT_DISTANCE = 1000


@dataclass
class Alternative:
    value: object                 # the changed value (None: absent)
    scenario: Scenario
    distance: int                 # how far from the stated value (band steps; 1 for enums)
    outcome: Outcome | None = None
    evaluation: Evaluation | None = None   # kept only when the outcome differs (for why-not answers)


@dataclass
class Circumstance:
    path: tuple                   # ("claimant", key) | ("child", n, key) | ("child", n) | ("ask", key)
    field: voc.Field | None       # None for a whole child
    value: object
    alternatives: list[Alternative] = field(default_factory=list)
    invalid: int = 0              # alternatives that are no valid scenario or that the engine refused

    @property
    def key(self) -> str:
        """The scenario key, as errors and the vocabulary name it."""
        if self.path[0] == "child":
            return f"claimant.children[{self.path[1]}]" + (f".{self.path[2]}" if len(self.path) > 2 else "")
        return ".".join(self.path)

    def changing(self, base: Outcome) -> list[Alternative]:
        """The alternatives that change the outcome, nearest first."""
        return sorted((a for a in self.alternatives if a.outcome is not None and a.outcome != base),
                      key=lambda a: a.distance)

    def decisive(self, base: Outcome) -> bool:
        return bool(self.changing(base))


@dataclass
class Sensitivity:
    scenario: Scenario
    outcome: Outcome
    circumstances: list[Circumstance]


def outcome(ev: Evaluation) -> Outcome:
    m = ev.model
    return (m.regime(), tuple((a, m.status(a), m.sanction_risk(a)) for a in ev.scenario.activities))


# ------------------------------------------------------------------ alternatives
class _Bands:
    """Thresholds per scenario date, read once."""

    def __init__(self, policy):
        self.policy, self.cache = policy, {}

    def __call__(self, on: dt.date) -> dict:
        if on not in self.cache:
            self.cache[on] = thresholds(self.policy, days=[on])
        return self.cache[on]


def _raw(sc: Scenario) -> dict:
    raw = copy.deepcopy({k: v for k, v in sc.raw.items() if k != "expect"})
    raw.setdefault("claimant", {})
    return raw


def _with(sc: Scenario, path: tuple, value) -> Scenario | None:
    """The scenario with one circumstance set to value (None: absent); None when invalid."""
    raw = _raw(sc)
    if path[0] == "claimant":
        table = raw["claimant"]
        key = path[1]
        if key == "benefit" and "partner_benefit" in table and value is not None:
            table["partner_benefit"] = value
    elif path[0] == "ask":
        table = raw.setdefault("ask", {})
        key = path[1]
    else:
        children = raw["claimant"]["children"]
        if len(path) == 2:
            del children[path[1] - 1]
            if not children:
                del raw["claimant"]["children"]
            return _valid(raw, sc)
        table, key = children[path[1] - 1], path[2]
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value
    return _valid(raw, sc)


def _valid(raw: dict, sc: Scenario) -> Scenario | None:
    try:
        return from_dict(raw, source=sc.source)
    except WfikbError:
        return None


def _values(f: voc.Field, value, on: dt.date, ths: dict, who: str, future_ok: bool) -> list[tuple[object, int]]:
    """(alternative value, distance) for one field, its stated value left out."""
    if f.kind == "bool":
        return [(None if value else True, 1)]
    if f.kind == "enum":
        # Another benefit is another body of law: the farthest change, not a near one.
        far = BENEFIT_DISTANCE if f.key in ("benefit", "partner_benefit") else 1
        out = [(v, far) for v in f.values if v != value]
        return out + ([] if f.required or f.default else [(None, 1)])
    if f.kind == "enum_list":
        out = [([x for x in value if x != v], 1) for v in value] if len(value) > 1 else []
        return out + [(None, 1)]
    if f.kind in ("money", "hours", "int"):
        scale = {"money": 100, "hours": 100, "int": 1}[f.kind]
        top = int((f.maximum or 10**6) * scale)
        pts = _number_values(ths.get(("value", f.pred), set()), 0, top)
        x = round(value * scale)
        mine = max((i for i, p in enumerate(pts) if p <= x), default=0)
        out = [(p / scale if scale != 1 else p, abs(i - mine)) for i, p in enumerate(pts) if i != mine]
        return out + [(None, len(pts))]
    if f.kind == "date":
        bands = _date_values(_date_cuts(ths, who, f.date_key, on), on, future_ok)
        ago = (on - value).days
        mine = max((i for i, (_, _, c) in enumerate(bands) if c <= ago), default=0)
        out = [(d, abs(i - mine)) for i, (_, d, _) in enumerate(bands) if i != mine]
        if who == "child" and f.key == "born":
            out = [(d, n) for d, n in out if dates.completed_years(d, on) < 20 and d <= on]
        return out + ([] if f.required or f.key == "born" else [(None, len(bands))])
    return []


def circumstances(sc: Scenario, bands: _Bands) -> list[Circumstance]:
    """Every circumstance the scenario states, in file order, each with its alternatives."""
    on, ths = sc.date, bands(sc.date)
    out = []
    claimant = voc.fields("claimant")
    items = list(sc.claimant.items())
    if sc.children and "children" not in sc.claimant:
        items.append(("children", sc.children))
    for key, value in items:
        f = claimant.get(key)
        if f is None:
            continue
        if f.kind == "children":
            for n, child in enumerate(value, 1):
                out.append(Circumstance(("child", n), None, child,
                                        [Alternative(None, s, 1) for s in [_with(sc, ("child", n), None)] if s]))
                for ck, cv in child.items():
                    cf = voc.fields("child")[ck]
                    out.append(_circumstance(sc, ("child", n, ck), cf, cv, on, ths, "child"))
            continue
        out.append(_circumstance(sc, ("claimant", key), f, value, on, ths, f.who))
    ask = voc.fields("ask")
    for key, value in sc.ask.items():
        if key not in NOT_VARIED and key in ask:
            out.append(_circumstance(sc, ("ask", key), ask[key], value, on, ths, "claimant"))
    return out


def _circumstance(sc, path, f, value, on, ths, who) -> Circumstance:
    c = Circumstance(path, f, value)
    for alt, distance in _values(f, value, on, ths, who, f.future_ok):
        if isinstance(alt, dt.date) and not f.future_ok and alt > on:
            continue
        changed = _with(sc, path, alt)
        if changed is None:
            c.invalid += 1
        else:
            c.alternatives.append(Alternative(alt, changed, distance))
    return c


# ------------------------------------------------------------------ solving
def sensitivities(engine: Engine, scenarios: Iterable[Scenario], evaluations: list[Evaluation] | None = None,
                  extra: list[Scenario] = (), chunk: int = 400) -> tuple[list[Sensitivity], list]:
    """Each scenario's circumstances with every alternative solved, in one stream of batches.
    `extra` scenarios ride along in the same stream (a report's timeline days); their evaluations
    (or refusals) are returned second, in order."""
    scenarios = list(scenarios)
    bands = _Bands(engine.policy)
    found = [circumstances(sc, bands) for sc in scenarios]
    alts = [a for cs in found for c in cs for a in c.alternatives]
    base = [] if evaluations is not None else scenarios
    results = list(engine.evaluate_stream([*base, *(a.scenario for a in alts), *extra], chunk, reasons=False))
    evaluations = evaluations if evaluations is not None else results[:len(scenarios)]
    base_outcomes = {id(sc): outcome(ev) for sc, ev in zip(scenarios, evaluations)}
    owner = [sc for sc, cs in zip(scenarios, found) for c in cs for _ in c.alternatives]
    for a, sc, r in zip(alts, owner, results[len(base):len(base) + len(alts)]):
        a.outcome = None if isinstance(r, RefusedError) else outcome(r)
        if a.outcome is not None and a.outcome != base_outcomes[id(sc)]:
            a.evaluation = r
    for cs in found:
        for c in cs:
            bad = [a for a in c.alternatives if a.outcome is None]
            c.invalid += len(bad)
            c.alternatives = [a for a in c.alternatives if a.outcome is not None]
    out = [Sensitivity(sc, base_outcomes[id(sc)], cs) for sc, cs in zip(scenarios, found)]
    return out, results[len(base) + len(alts):]
