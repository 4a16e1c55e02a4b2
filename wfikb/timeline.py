"""A claimant's timeline: every day from the scenario's date to `until` on which an outcome changes.

The days on which an outcome can change are read from the policy's own comparisons and the
scenario's dates (`wfikb.thresholds`); the scenario is moved to each of them (validated again, as a
scenario file with that date would be) and all are evaluated in one batch. Between two candidate
days nothing the rules compare moves, so the outcome on a candidate day holds until the next one:
consecutive candidates with different outcomes give a change, with the outcome before (the day
before it) and after, and the explanation of what changed. docs/timeline.md.

An outcome is the regime, each asked activity's status and sanction risk, and every other
conclusion the policy derives (`model.outputs`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from wfikb import dates, render
from wfikb.escape import printable
from wfikb.engine import Engine, Evaluation
from wfikb.errors import InputError
from wfikb.facts import scenario_facts
from wfikb.graph import Fold
from wfikb.model import BY_SIGNATURE, Regime, SanctionRisk, Status, conclusion_name, typed
from wfikb.scenario import Scenario, from_dict
from wfikb.terms import instantiate
from wfikb.thresholds import candidates

DEFAULT_YEARS = 5
MAX_YEARS = 20


@dataclass(frozen=True)
class Outcome:
    regime: str | None
    activities: tuple[tuple[str, str | None, bool], ...]     # (activity, status, sanction risk)
    conclusions: tuple[str, ...]                              # every other conclusion, by name

    def to_dict(self) -> dict:
        return {"regime": self.regime,
                "activities": {a: {"status": s, "sanction_risk": r} for a, s, r in self.activities},
                "conclusions": list(self.conclusions)}


@dataclass
class Change:
    date: dt.date
    before: Outcome
    after: Outcome
    was: Evaluation        # the evaluation on the last candidate day before the change
    now: Evaluation        # the evaluation on the day of the change


@dataclass
class Timeline:
    scenario: Scenario
    start: dt.date
    until: dt.date
    initial: Outcome
    changes: list[Change]
    notes: list[str] = field(default_factory=list)
    evaluated: int = 0


def outcome(ev: Evaluation) -> Outcome:
    """The outputs that hold, read from the rule instances recorded for the scenario only."""
    found = set()
    for clause, env in ev.model.own_instances():
        if clause.signature in BY_SIGNATURE:
            found.add(instantiate(clause.head, env))
    outs = [typed(sym) for sym in found]
    regime = next((o.regime for o in outs if isinstance(o, Regime)), None)
    status = {o.activity: o.status for o in outs if isinstance(o, Status)}
    risk = {o.activity for o in outs if isinstance(o, SanctionRisk)}
    acts = tuple((a, status.get(a), a in risk) for a in ev.scenario.activities)
    others = tuple(sorted(conclusion_name(s) for s, o in zip(found, map(typed, found))
                          if not isinstance(o, (Regime, Status, SanctionRisk))))
    return Outcome(regime, acts, others)


def moved(sc: Scenario, day: dt.date) -> Scenario:
    """The scenario on another day, validated again as a scenario file with that date would be."""
    raw = {k: v for k, v in sc.raw.items() if k != "expect"}      # expectations are for the stated date
    return from_dict({**raw, "date": day}, source=sc.source)


def parse_until(text: str | None, source: str) -> dt.date | None:
    """--until as a date (InputError, one line, when it is not YYYY-MM-DD)."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise InputError(source, "--until", f"expected a date YYYY-MM-DD; got {text!r}")


def default_until(start: dt.date) -> dt.date:
    return dates.anniversary(start, DEFAULT_YEARS)


def build(engine: Engine, sc: Scenario, until: dt.date | None = None) -> Timeline:
    """The scenario's timeline from its date to `until` (default: 5 years on)."""
    start = sc.date
    until = until or default_until(start)
    if until <= start:
        raise InputError(sc.source, "--until", f"expected a date after the scenario date {start}; got {until}")
    if until > dates.anniversary(start, MAX_YEARS):
        raise InputError(sc.source, "--until", f"expected a date at most {MAX_YEARS} years after the scenario "
                                               f"date {start}; got {until}")
    notes = []
    due = sc.claimant.get("pregnant_due")
    if due is not None and "gave_birth" not in sc.claimant and due <= start:
        raise InputError(sc.source, "claimant.pregnant_due", "expected a due date after the scenario date when "
                         "gave_birth is not stated: after the due date the outcome depends on the birth")
    if due is not None and "gave_birth" not in sc.claimant and until > due:
        # Past the expected date the rules would keep her pregnant for ever (nothing ends the
        # pregnancy but a stated birth): what happens then depends on the birth, which is unknown.
        until = due
        notes.append(f"stops at the expected date of confinement ({due}, pregnant_due): after it the outcome "
                     "depends on the date of the birth; state gave_birth to see beyond it")
    expected = sc.claimant.get("adoption_expected_placement")
    if expected is not None and start < expected <= until:
        notes.append(f"takes the expected placement date {expected} (adoption_expected_placement) as stated")
    for i, child in enumerate(sc.children, 1):
        placed = child.get("adopted_placed")
        if placed is not None and start < placed <= until:
            notes.append(f"takes child {i}'s placement for adoption to happen on {placed} (adopted_placed), as stated")
    days, unsolved = candidates(engine.policy, scenario_facts(0, sc), start, until)
    if unsolved:
        raise InputError(sc.source, None, "cannot tell on which days the outcome changes: the rules "
                                          f"{', '.join(unsolved)} compare a date in a way the timeline does not solve")
    scenarios = [moved(sc, d) for d in [start, *days]]
    evs = engine.evaluate_batch(scenarios)
    outcomes = [outcome(ev) for ev in evs]
    changes = []
    for i in range(1, len(evs)):
        if outcomes[i] != outcomes[i - 1]:
            changes.append(Change(scenarios[i].date, outcomes[i - 1], outcomes[i], evs[i - 1], evs[i]))
    return Timeline(sc, start, until, outcomes[0], changes, notes, len(evs))


# ------------------------------------------------------------------ what changed, and why
def changed_items(ch: Change) -> list[tuple[str, str | None, str | None]]:
    """(item, before, after) of every output that differs, regime first, then activities, then
    the other conclusions that start or end."""
    out = []
    if ch.before.regime != ch.after.regime:
        out.append(("regime", ch.before.regime, ch.after.regime))
    before = {a: (s, r) for a, s, r in ch.before.activities}
    for a, s, r in ch.after.activities:
        s0, r0 = before[a]
        if s0 != s:
            out.append((f"activity {a}", s0, s))
        if r0 != r:
            out.append((f"sanction risk {a}", _risk(r0), _risk(r)))
    b, a = set(ch.before.conclusions), set(ch.after.conclusions)
    out += [(name, "holds", None) for name in ch.before.conclusions if name not in a]
    out += [(name, None, "holds") for name in ch.after.conclusions if name not in b]
    return out


def _risk(r: bool) -> str:
    return "sanction risk" if r else "no sanction risk"


def _trees(ev: Evaluation, names: set[str]):
    """Derivation trees of the outputs of ev named in `names` (regime=, activity=, sanction_risk=, ...)."""
    d = ev.derivation
    return [d.tree(sym) for sym in ev.model.outputs(ev.scenario.activities) if conclusion_name(sym) in names]


def _names(o: Outcome) -> set[str]:
    out = {f"regime={o.regime}"} if o.regime else set()
    out |= {f"activity={a}:{s}" for a, s, _ in o.activities if s}
    out |= {f"sanction_risk={a}" for a, _, r in o.activities if r}
    return out | set(o.conclusions)


def reasons(ch: Change) -> tuple[list, list]:
    """The trees of what ended (as derived the day before) and of what started (on the day)."""
    before, after = _names(ch.before), _names(ch.after)
    return _trees(ch.was, before - after), _trees(ch.now, after - before)


def rule_change(ch: Change) -> tuple[list[str], list[str]]:
    """The rules behind a change: those in the derivations of what ended but not of what started
    (no longer applying), and those new to what started."""
    ended, started = reasons(ch)
    old = [r for t in ended for r in t.rule_ids()]
    new = [r for t in started for r in t.rule_ids()]
    return (list(dict.fromkeys(r for r in old if r not in set(new))),
            list(dict.fromkeys(r for r in new if r not in set(old))))


def pivot(tree, other: set[str]):
    """The step that made the difference: the first rule (in the explanation's order) that the
    other side's derivations do not use and that tests a parameter or a comparison directly
    (a child's age against a threshold, a commencement); else the decisive provision."""
    new = [n for n in _preorder(tree) if n.kind == "derived" and n.rule and n.rule not in other]
    dated = [n for n in new if any(c.kind in ("comparison", "parameter") for c in n.children)]
    return dated[0] if dated else render.decisive(tree)


def _preorder(node, seen=None):
    seen = set() if seen is None else seen
    if id(node) in seen:
        return []
    seen.add(id(node))
    out = [node]
    for c in node.children:
        out += _preorder(c, seen)
    return out


def change_json(ch: Change) -> dict:
    ended, started = reasons(ch)
    no_longer, now = rule_change(ch)
    fold = Fold()
    because = ([{"ends": True, **fold.entry(t)} for t in ended]
               + [{"starts": True, **fold.entry(t)} for t in started])
    return {"date": ch.date.isoformat(), "before": ch.before.to_dict(), "after": ch.after.to_dict(),
            "rules": {"no_longer": no_longer, "now": now}, "because": because}


def to_json(tl: Timeline) -> dict:
    return {"scenario": tl.scenario.id, "from": tl.start.isoformat(), "until": tl.until.isoformat(),
            "changes": [change_json(c) for c in tl.changes], "notes": tl.notes}


def _why(node) -> str:
    cite = (node.citation or "").split(";")[0].strip()
    return f"{node.text} [{node.rule}: {cite}]" if cite else f"{node.text} [{node.rule}]"


def lines(tl: Timeline, markdown: bool = False) -> list[str]:
    """The timeline for people: each change's date, what changed (before -> after), the step that
    made the difference for the regime and each activity, then the rules behind the change."""
    sc = tl.scenario
    head = f"Timeline of {sc.id}" + (f": {sc.title}" if sc.title else "")
    out = [f"# {head}" if markdown else head, "" if markdown else None,
           f"From {tl.start} to {tl.until}: {len(tl.changes)} change(s) "
           f"({tl.evaluated} candidate day(s) evaluated in one batch)"]
    out = [x for x in out if x is not None] + [f"Note: {n}" for n in tl.notes]
    h, item, sub = ("### ", "- ", "  - ") if markdown else ("", "  ", "      ")
    arrow = "→" if markdown else "->"
    out += ["", f"{h}On {tl.start}"] + [item + x for x in _state(tl.initial)]
    for ch in tl.changes:
        ended, started = reasons(ch)
        old = {r for t in ended for r in t.rule_ids()}
        new = {r for t in started for r in t.rule_ids()}
        out += ["", f"{h}{ch.date}"]
        main = [(n, b, a) for n, b, a in changed_items(ch) if n == "regime" or n.startswith(("activity ", "sanction risk "))]
        shown = {n for n, _, _ in main}
        for name, b, a in main:
            out.append(f"{item}{name}: {_words(name, b)} {arrow} {_words(name, a)}")
            if name.startswith("sanction risk ") and f"activity {name.rsplit(' ', 1)[1]}" in shown:
                continue        # follows from the activity's status, explained just above
            key = _atom(name, a)
            for t in started:
                if t.atom == key:
                    out.append(f"{sub}because {_why(pivot(t, old))}")
            key = _atom(name, b)
            for t in ended:
                if t.atom == key:
                    out.append(f"{sub}before, because {_why(pivot(t, new))}")
        gone = [n for n, b, a in changed_items(ch) if (n, b, a) not in main and a is None]
        came = [n for n, b, a in changed_items(ch) if (n, b, a) not in main and b is None]
        if came:
            out.append(f"{item}other conclusions now: {', '.join(came)}")
        if gone:
            out.append(f"{item}other conclusions no longer: {', '.join(gone)}")
        no_longer, now = rule_change(ch)
        if no_longer:
            out.append(f"{item}rules no longer applying: {', '.join(no_longer)}")
        if now:
            out.append(f"{item}rules now applying: {', '.join(now)}")
    return [printable(x, markup=markdown) for x in out]


def _atom(item: str, value: str | None) -> str | None:
    """The conclusion name of one changed item's value (regime=..., activity=A:S, sanction_risk=A)."""
    if value is None:
        return None
    if item == "regime":
        return f"regime={value}"
    if item.startswith("activity "):
        return f"activity={item.split(' ', 1)[1]}:{value}"
    act = item.rsplit(" ", 1)[1]
    return f"sanction_risk={act}" if value == "sanction risk" else None


def _words(item: str, value: str | None) -> str:
    """A changed item's value as readers read it (regimes and statuses in words, wfikb/model.py)."""
    if value is None:
        return "(none)"
    if item == "regime":
        return Regime(value).words()
    return Status.status_words(value) if item.startswith("activity ") else value


def _state(o: Outcome) -> list[str]:
    out = [f"regime: {Regime(o.regime).words() if o.regime else 'none (not a Universal Credit claimant)'}"]
    out += [f"activity {a}: {Status.status_words(s)}, {_risk(r)}" for a, s, r in o.activities]
    if o.conclusions:
        out.append(f"other conclusions: {', '.join(o.conclusions)}")
    return out
