"""Corpus diff: every scenario evaluated under two versions of the law, what changed and why.

Two versions are either two policies (the shipped one and the shipped one with an overlay:
`by_change`) or one policy at two dates (`by_dates`: each scenario's `date` replaced by D1 and by
D2, every other date unchanged). Each version is one batch through the same `Engine` code. For
each scenario the outcome (regime, each asked activity's status and sanction risk, the other
conclusions' names) is compared; a changed scenario carries its differences, a short reason for
each side (the decisive provision, as `wfikb evaluate` shows it) and, in JSON, both folded
explanations of the conclusions that differ. JSON shapes: docs/analysts.md.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wfikb import render
from wfikb.engine import Engine, Evaluation, broken_invariants
from wfikb.errors import InputError
from wfikb.graph import Fold
from wfikb.loader import Policy
from wfikb.model import Conclusion, Regime, SanctionRisk, Status, conclusion_name
from wfikb.scenario import Scenario, from_dict, load
from wfikb.testing import scenario_files

BATCH = 50   # scenarios per batch: one control each, so a progress bar can move


@dataclass
class Pair:
    scenario: Scenario            # as evaluated before (its own date, or D1)
    before: Evaluation
    after: Evaluation


# ------------------------------------------------------------------ reading the corpus
def scenarios(paths: list[str]) -> list[Scenario]:
    """Every scenario under `paths`; an unreadable file is bad input (InputError, one line)."""
    files = scenario_files(paths)
    if not files:
        raise InputError(", ".join(paths) or ".", None, "no .toml or .json scenario files found")
    return [load(p) for p in files]


def at_date(sc: Scenario, day: dt.date) -> Scenario:
    """The scenario with its `date` replaced by `day` and every other date unchanged; InputError when
    one of its dates (a birth, a claim) falls after `day`."""
    raw = dict(sc.raw)
    raw["date"] = day
    return from_dict(raw, source=sc.source)


def evaluate(engine: Engine, scs: list[Scenario], progress=None) -> list[Evaluation]:
    out: list[Evaluation] = []
    for i in range(0, len(scs), BATCH):
        out += engine.evaluate_batch(scs[i:i + BATCH])
        if progress:
            progress(len(scs[i:i + BATCH]))
    return out


# ------------------------------------------------------------------ outcomes and differences
def outcome(ev: Evaluation) -> dict:
    m = ev.model
    return {"regime": m.regime(),
            "activities": {a: {"status": m.status(a), "sanction_risk": m.sanction_risk(a)}
                           for a in ev.scenario.activities},
            "conclusions": sorted(conclusion_name(s) for s in m.atoms_of(Conclusion.signature()))}


def names(ev: Evaluation) -> set[str]:
    return {conclusion_name(s) for s in ev.model.outputs(ev.scenario.activities)}


def differences(before: dict, after: dict) -> list[dict]:
    """What differs between two outcomes, in the result's order."""
    out = []
    if before["regime"] != after["regime"]:
        out.append({"what": "regime", "before": before["regime"], "after": after["regime"]})
    for act, b in before["activities"].items():
        a = after["activities"].get(act, {"status": None, "sanction_risk": False})
        if b["status"] != a["status"]:
            out.append({"what": "status", "activity": act, "before": b["status"], "after": a["status"]})
        if b["sanction_risk"] != a["sanction_risk"]:
            out.append({"what": "sanction_risk", "activity": act, "before": b["sanction_risk"],
                        "after": a["sanction_risk"]})
    lost = [c for c in before["conclusions"] if c not in after["conclusions"]]
    gained = [c for c in after["conclusions"] if c not in before["conclusions"]]
    out += [{"what": "conclusion", "conclusion": c, "before": True, "after": False} for c in lost]
    out += [{"what": "conclusion", "conclusion": c, "before": False, "after": True} for c in gained]
    return out


def _atom(d: dict, ev: Evaluation, side: str):
    """The conclusion atom behind one side of a difference, or None where nothing holds."""
    s, value = ev.model.s, d[side]
    if d["what"] == "regime":
        return Regime(value).symbol(s) if value else None
    if d["what"] == "status":
        return Status(d["activity"], value).symbol(s) if value else None
    if d["what"] == "sanction_risk":
        return SanctionRisk(d["activity"]).symbol(s) if value else None
    key, val = d["conclusion"].split("=", 1)
    return Conclusion(key, val).symbol(s) if value else None


def reason(d: dict, ev: Evaluation, side: str) -> dict | None:
    """The short reason for one side: the decisive provision (for a status, what permits, exempts or
    forbids; otherwise the rule that concluded it)."""
    atom = _atom(d, ev, side)
    if atom is None:
        return None
    node = ev.derivation.tree(atom)
    if d["what"] == "status":
        node = render.decisive(node)
    return {"text": node.text, "rule": node.rule, "citation": node.citation}


def explanation(pair: Pair, prefix: str) -> dict:
    """Both sides' folded explanations of the conclusions that hold on one side only."""
    before, after = names(pair.before), names(pair.after)
    out = {}
    for side, ev, own, other in (("before", pair.before, before, after), ("after", pair.after, after, before)):
        fold = _Fold(f"{prefix}{side[0]}")
        d = ev.derivation
        out[side] = [fold.entry(d.tree(sym)) for sym in ev.model.outputs(ev.scenario.activities)
                     if conclusion_name(sym) not in other]
    return out


class _Fold(Fold):
    """A Fold whose ids carry a prefix, so several folded graphs share one document."""

    def __init__(self, prefix: str):
        super().__init__()
        self.prefix = prefix

    def entry(self, node):
        self.count += 1
        ident = f"{self.prefix}{self.count}"
        self.ids.setdefault(node.ident, ident)
        return {"id": ident, **node.header(), "because": [self.inner(c) for c in node.children]}


def compare(pair: Pair, index: int, full: bool) -> dict:
    b, a = outcome(pair.before), outcome(pair.after)
    diffs = differences(b, a)
    for d in diffs:
        d["because_before"] = reason(d, pair.before, "before")
        d["because_after"] = reason(d, pair.after, "after")
    entry = {"scenario": pair.scenario.id, "source": pair.scenario.source,
             "date_before": pair.before.scenario.date.isoformat(), "date_after": pair.after.scenario.date.isoformat(),
             "changed": bool(diffs), "before": b, "after": a, "differences": diffs}
    broken = invariant_problem(pair.after) or None
    if broken:
        entry["problem_after"] = broken
    if diffs and full:
        entry["explanation"] = explanation(pair, f"s{index}")
    return entry


def invariant_problem(ev: Evaluation) -> str:
    """A result no version of the law may give: the invariants of policy/core/invariants.lp it breaks
    (the engine would refuse it; a diff shows it)."""
    return "; ".join(broken_invariants(ev))


# ------------------------------------------------------------------ the two diffs
def summary(entries: list[dict], skipped: list[dict]) -> dict:
    counts: dict[str, int] = {}
    for e in entries:
        for d in e["differences"]:
            label = d.get("activity") or d.get("conclusion") or ""
            key = f"{d['what']}{' ' + label if label else ''}: {_show(d['before'])} -> {_show(d['after'])}"
            counts[key] = counts.get(key, 0) + 1
    changed = sum(e["changed"] for e in entries)
    return {"scenarios": len(entries), "changed": changed, "unchanged": len(entries) - changed,
            "skipped": len(skipped), "problems": sum("problem_after" in e for e in entries),
            "by_difference": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))}


def _show(v) -> str:
    return "none" if v is None else str(v).lower() if isinstance(v, bool) else str(v)


def shifted(scs: list[Scenario], days: list[dt.date]) -> tuple[list[list[Scenario]], list[dict]]:
    """Each scenario at each of `days` (its date replaced); a scenario one of whose dates falls after
    one of them is left out, with its one-line reason."""
    out: list[list[Scenario]] = [[] for _ in days]
    skipped = []
    for sc in scs:
        try:
            versions = [at_date(sc, d) for d in days]
        except InputError as e:
            skipped.append({"scenario": sc.id, "source": sc.source, "reason": str(e)})
            continue
        for lst, v in zip(out, versions):
            lst.append(v)
    return out, skipped


def by_change(base: Policy, changed: Policy, scs: list[Scenario], full: bool = True, progress=None,
              on: dt.date | None = None) -> dict:
    """Each scenario under both policies (at its own date, or with its date replaced by `on`)."""
    skipped: list[dict] = []
    if on is not None:
        (scs,), skipped = shifted(scs, [on])
        if progress and skipped:
            progress(2 * len(skipped))      # a skipped scenario is done
    before = evaluate(Engine(base, refuse_broken=False), scs, progress)
    after = evaluate(Engine(changed, refuse_broken=False), scs, progress)
    pairs = [Pair(sc, b, a) for sc, b, a in zip(scs, before, after)]
    entries = [compare(p, i, full) for i, p in enumerate(pairs, 1)]
    return {"kind": "change", "on": on.isoformat() if on else None, "policy_before": base.version,
            "policy_after": changed.version, "summary": summary(entries, skipped), "skipped": skipped,
            "scenarios": entries}, pairs


def by_dates(policy: Policy, scs: list[Scenario], d1: dt.date, d2: dt.date, full: bool = True,
             progress=None) -> dict:
    """Each scenario at D1 and at D2 under one policy. A scenario one of whose dates falls after D1
    or D2 is skipped, with its one-line reason."""
    (firsts, seconds), skipped = shifted(scs, [d1, d2])
    if progress and skipped:
        progress(2 * len(skipped))          # a skipped scenario is done
    engine = Engine(policy, refuse_broken=False)
    before = evaluate(engine, firsts, progress)
    after = evaluate(engine, seconds, progress)
    pairs = [Pair(sc, b, a) for sc, b, a in zip(firsts, before, after)]
    entries = [compare(p, i, full) for i, p in enumerate(pairs, 1)]
    return {"kind": "dates", "from_date": d1.isoformat(), "to_date": d2.isoformat(), "policy": policy.version,
            "summary": summary(entries, skipped), "skipped": skipped, "scenarios": entries}, pairs


# ------------------------------------------------------------------ text and Markdown
def text(report: dict, md: bool = False) -> str:
    """The changed scenarios, each difference with its reason before and after, then the counts."""
    s = report["summary"]
    if report["kind"] == "change":
        head = (f"Change: {report.get('overlay', 'overlay')} (policy {report['policy_before']} -> {report['policy_after']})"
                + (f", every scenario on {report['on']}" if report.get("on") else ""))
    else:
        head = f"Law on {report['from_date']} -> law on {report['to_date']} (policy {report['policy']})"
    count = (f"{s['scenarios']} scenarios: {s['changed']} changed, {s['unchanged']} unchanged"
             + (f", {s['skipped']} skipped" if s["skipped"] else ""))
    out = [f"# {head}" if md else head, "", count]
    for e in report["scenarios"]:
        if not e["changed"] and "problem_after" not in e:
            continue
        dates = e["date_before"] if e["date_before"] == e["date_after"] else f"{e['date_before']} -> {e['date_after']}"
        title = f"{e['scenario']} ({e['source']}, {dates})"
        out += ["", f"## {title}" if md else title]
        bullet = "- " if md else "  "
        if "edits" in e:
            out.append(f"{bullet}edits: {', '.join(e['edits']['edits'])}"
                       + ("" if e["edits"]["minimal"] else " (not shown minimal)"))
        if "problem_after" in e:
            out.append(f"{bullet}PROBLEM after the change: {e['problem_after']}")
        for d in e["differences"]:
            label = {"regime": "regime", "status": d.get("activity"), "sanction_risk": f"sanction risk {d.get('activity')}",
                     "conclusion": d.get("conclusion")}[d["what"]]
            if d["what"] == "conclusion":
                out.append(f"{bullet}{'-' if d['before'] else '+'} {label}")
                continue
            out.append(f"{bullet}{label}: {_show(d['before'])} -> {_show(d['after'])}")
            if d["what"] == "sanction_risk":
                continue
            for side in ("before", "after"):
                r = d[f"because_{side}"]
                if r:
                    cite = (r["citation"] or "").split(";")[0].strip()
                    out.append(f"{'  ' if md else '    '}{'- ' if md else ''}{side}: {r['text']} [{r['rule']}: {cite}]")
    main = {k: n for k, n in s["by_difference"].items() if k.startswith(("regime", "status"))}
    if main:
        out += ["", "## Summary" if md else "Summary (regimes and statuses; --format json counts every difference)"]
        out += [f"{'- ' if md else '  '}{n} x {k}" for k, n in main.items()]
    return "\n".join(out) + "\n"
