"""What a scenario did not state that would change an outcome if it were stated (`needed`).

An absent key means "no" / "none" (contract section 1): a tool that leaves a circumstance out gets the
answer for its absence, silently. `needed` names each such circumstance whose statement would change
the outcome (regime, an asked activity's status or sanction risk, another conclusion), found by
re-solving, never by reading the rules: every candidate statement is evaluated, in one batch with the
scenario itself, and kept only when its outcome differs. So each entry listed does change the outcome
when supplied, and no candidate that would not is listed.

Candidates, one key stated at a time (the scenario's own keys unchanged):
- each `[claimant]` key the scenario leaves out: `true` for a bool, each value of an enum, and for a
  number or date one value in each band the policy's own thresholds cut it into (`analysis.space`,
  the bands the exhaustive diff uses: within a band every value gives the same facts the rules compare);
- `children` when none is listed: one child, in each age band, fostered or not;
- each `[ask]` key left out but `activities`: each value; `missed`: each asked activity alone.
A candidate the vocabulary refuses (e.g. `partner_benefit` other than `benefit`) or the engine refuses
(contradictory circumstances) is no scenario, so never needed. Limits, stated: one key at a time (two
keys that matter only together are not found), and a comparison of a sum (couple earnings) is cut on
each quantity alone, as in `analysis.space`.
"""
from __future__ import annotations

from dataclasses import dataclass

from wfikb import vocabulary as voc
from wfikb.analysis.diff import differences, outcome
from wfikb.analysis.space import dimensions
from wfikb.engine import INVARIANT, Engine, Evaluation
from wfikb.errors import InputError, RefusedError
from wfikb.scenario import Scenario, from_dict


@dataclass
class Candidate:
    key: str               # "claimant.KEY", "claimant.children" or "ask.KEY"
    value: object          # as a scenario file states it (JSON value)
    band: str | None       # numbers and dates: the band the value stands for
    scenario: Scenario


def _with(sc: Scenario, section: str, key: str, value) -> Scenario | None:
    raw = dict(sc.raw)
    raw[section] = {**raw.get(section, {}), key: value}
    try:
        return from_dict(raw, source=sc.source)
    except InputError:
        return None


def _json_value(v):
    return v.isoformat() if hasattr(v, "isoformat") else v


def candidates(engine: Engine, sc: Scenario) -> list[Candidate]:
    """Every one-key statement of what the scenario leaves out (see the module's docstring)."""
    out: list[Candidate] = []
    stated = set(sc.raw.get("claimant", {}))
    keys = [k for k in voc.fields("claimant") if k not in stated]
    for dim in dimensions([engine.policy], [sc.date], keys, {}, max_children=1):
        for v in dim.values:
            if v.children:
                new = _with(sc, "claimant", "children", v.children)
                if new is not None:
                    out.append(Candidate("claimant.children", v.children, v.label, new))
                continue
            if dim.key not in v.claimant:
                continue            # the dimension's "absent": the scenario as it is
            value = v.claimant[dim.key]
            new = _with(sc, "claimant", dim.key, value)
            if new is not None:
                out.append(Candidate(f"claimant.{dim.key}", value, v.label if dim.ordered else None, new))
    asked = sc.activities
    for f in voc.ASK:
        if f.key == "activities" or f.key in sc.raw.get("ask", {}):
            continue
        values = [[a] for a in asked] if f.kind == "enum_list" else list(f.values)
        for value in values:
            new = _with(sc, "ask", f.key, value)
            if new is not None:
                out.append(Candidate(f"ask.{f.key}", value, None, new))
    return out


def _evaluate(engine: Engine, scs: list[Scenario]) -> list[Evaluation | None]:
    """Each candidate's evaluation, None where the engine refuses it (a candidate refused is dropped,
    never shown, so no search for its conflicting facts), all from one grounding."""
    return [None if isinstance(ev, RefusedError) or ev.model.atoms_of(INVARIANT) else ev
            for ev in engine.evaluate_each(scs, reasons=False)]


def needed(engine: Engine, sc: Scenario, base: Evaluation | None = None) -> list[dict]:
    """`[{"key", "cases": [{"values", "bands"?, "changes"}]}]`: each key left out whose statement changes
    the outcome; its values that do, grouped by what they change (differences as `wfikb diff` gives them:
    regime, status, sanction_risk or conclusion, each with before and after); `bands`, for a number or a
    date, the band each value stands for. `base`: the scenario's own evaluation, when the caller has it."""
    base = base or engine.evaluate(sc)
    cands = candidates(engine, sc)
    before = outcome(base)
    found: dict[str, list[dict]] = {}
    for cand, ev in zip(cands, _evaluate(engine, [c.scenario for c in cands])):
        if ev is None:
            continue
        diffs = differences(before, outcome(ev))
        if not diffs:
            continue
        cases = found.setdefault(cand.key, [])
        case = next((c for c in cases if c["changes"] == diffs), None)
        if case is None:
            case = {"values": []}
            if cand.band is not None:
                case["bands"] = []
            case["changes"] = diffs
            cases.append(case)
        case["values"].append(_json_value(cand.value))
        if cand.band is not None:
            case["bands"].append(cand.band)
    return [{"key": k, "cases": cs} for k, cs in found.items()]
