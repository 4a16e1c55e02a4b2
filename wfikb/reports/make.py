"""Reports for several scenarios at once: one engine, one stream of batches for every re-solve.

Each scenario is evaluated; its circumstances are varied (`wfikb.analysis.sensitivity`) and the
days on which its outcome may change in the next `HORIZON_YEARS` years are read from the policy's
own thresholds (`wfikb.thresholds.candidates`, as `wfikb timeline` does); all of these scenarios go
through the engine together.
"""
from __future__ import annotations

import datetime as dt

from wfikb import dates
from wfikb.analysis.sensitivity import outcome, sensitivities
from wfikb.engine import Engine
from wfikb.errors import RefusedError, WfikbError
from wfikb.facts import scenario_facts
from wfikb.reports import model
from wfikb.scenario import Scenario
from wfikb.thresholds import candidates
from wfikb.timeline import moved

HORIZON_YEARS = 2


def _days(engine: Engine, sc: Scenario) -> list[dt.date]:
    """The days in the next HORIZON_YEARS years on which the outcome may change (none when the
    timeline cannot tell: an expected birth already due, a comparison it does not solve)."""
    start = sc.date
    until = dates.anniversary(start, HORIZON_YEARS)
    due = sc.claimant.get("pregnant_due")
    if due is not None and "gave_birth" not in sc.claimant:
        if due <= start:
            return []
        until = min(until, due)
    days, unsolved = candidates(engine.policy, scenario_facts(0, sc), start, until)
    return [] if unsolved else days


def reports(engine: Engine, scenarios: list[Scenario]) -> list[model.Report]:
    """One report per scenario, in order. A scenario the engine refuses raises its RefusedError."""
    evaluations = engine.evaluate_each(scenarios)
    for ev in evaluations:
        if isinstance(ev, RefusedError):
            raise ev
    plans, extra = [], []
    for sc in scenarios:
        days = _days(engine, sc)
        moved_ = []
        for d in days:
            try:
                moved_.append(moved(sc, d))
            except WfikbError:      # a date the scenario cannot be moved to (a birth date after it)
                continue
        plans.append((len(extra), [m.date for m in moved_]))
        extra += moved_
    sens, later = sensitivities(engine, scenarios, evaluations, extra)
    out = []
    for ev, s, (start, days) in zip(evaluations, sens, plans):
        soon = [(d, None if isinstance(r, RefusedError) else outcome(r))
                for d, r in zip(days, later[start:start + len(days)])]
        out.append(model.build(ev, s, soon))
    return out
