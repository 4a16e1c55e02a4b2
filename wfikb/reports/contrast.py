"""Why not ...? The nearest other outcome, and what stops it.

For a UC claimant, the nearest other regime; for each asked activity, the nearest other status.
"Nearest" is the outcome the smallest change of circumstances reaches (re-solving, from
`wfikb.analysis.sensitivity`); when no single change reaches one, the regime one step away in the
order of the groups, or the status one step away (mandatory <-> voluntary <-> not permitted).
The answer is the explainer's own why-not (`Derivation.why_not`): among the rules that could
conclude it, the one whose conditions got furthest, and the condition that fails or the exception
that blocks it. A generic rule of policy/core (a status from "can be required") is followed down
to the provision that would have to apply.
"""
from __future__ import annotations

from wfikb.analysis.sensitivity import Sensitivity
from wfikb.engine import Evaluation
from wfikb.explanation import Attempt, WhyNot
from wfikb.model import Regime, Status
from wfikb.reports import words
from wfikb.reports.links import spans
from wfikb.reports.model import Contrast

NEXT_STATUS = {"mandatory": "voluntary", "voluntary": "mandatory", "not_permitted": "voluntary"}
MAX_DOWN = 3


def _nearest(sens: Sensitivity, pick, step=lambda v: 0) -> tuple:
    """The value `pick(outcome)` gives for the nearest alternative that changes the outcome (the
    smallest change; among equals, the outcome `step` puts closest), with that alternative's
    evaluation and the words for the change."""
    from wfikb.reports.model import alternative_text
    found = [(a.distance, step(v), i, v, a, c) for i, (a, c) in
             enumerate((a, c) for c in sens.circumstances for a in c.changing(sens.outcome))
             if (v := pick(a.outcome)) is not None]
    if not found:
        return None, None, None
    *_, v, a, c = min(found, key=lambda x: x[:3])
    return v, a.evaluation, alternative_text(c, a.value, sens.scenario)


def _rules_there(alt: Evaluation | None, output) -> set[str]:
    """The rules that derive `output` in the nearest changed scenario (none without one)."""
    if alt is None:
        return set()
    sym = output.symbol(alt.model.s)
    return set(alt.derivation.tree(sym).rule_ids()) if alt.model.holds(sym) else set()


def contrasts(ev: Evaluation, sens: Sensitivity) -> list[Contrast]:
    m, d = ev.model, ev.derivation
    out = []
    regime = m.regime()
    if regime:
        order = words.REGIME_ORDER
        other, alt, example = _nearest(sens, lambda o: o[0] if o[0] and o[0] != regime else None,
                                       lambda r: abs(order.index(r) - order.index(regime)))
        if other is None:
            i = order.index(regime)
            other = order[i + 1] if i + 1 < len(order) else order[i - 1]
        w = d.why_not(Regime(other).symbol(m.s))
        out.append(_answer(f"Why are you not in {words.REGIME[other][0]}?", w, ev,
                           _rules_there(alt, Regime(other)), example))
    for i, a in enumerate(ev.scenario.activities):
        st = m.status(a)
        if st is None:
            continue
        other, alt, example = _nearest(sens, lambda o, i=i: o[1][i][1] if o[1][i][1] not in (None, st) else None,
                                       lambda v: 0 if v == NEXT_STATUS[st] else 1)
        other = other or NEXT_STATUS[st]
        noun = words.ACTIVITY[a][0]
        q = {"mandatory": f"Why can you not be required to do this: {noun}?",
             "voluntary": f"Why is this not merely voluntary for you: {noun}?",
             "not_permitted": f"Why is this not ruled out for you: {noun}?"}[other]
        out.append(_answer(q, d.why_not(Status(a, other).symbol(m.s)), ev, _rules_there(alt, Status(a, other)), example))
    return out


def _held(a: Attempt) -> int:
    """How far an attempt got: its conditions that held, other than being asked about the activity."""
    return sum(1 for h in a.held if h.key != "ask.activities")


def _best(w: WhyNot) -> Attempt | None:
    """The attempt whose conditions got furthest (an undecided one only when nothing else)."""
    tried = [a for a in w.attempts if a.reason != "unchecked"] or w.attempts
    return max(tried, key=_held, default=None)


def _used_there(w: WhyNot, rules: set[str]) -> Attempt | None:
    """Breadth first through the why-not: the first attempt of a provision (not a generic rule of
    policy/core) that derives the outcome in the nearest changed scenario."""
    queue = [w]
    while queue:
        nxt = []
        for x in queue:
            for a in x.attempts:
                if a.clause.rule.id in rules and not a.clause.rule.id.startswith("core."):
                    return a
                nxt += a.deeper
        queue = nxt
    return None


def _answer(question: str, w: WhyNot, ev: Evaluation, rules: set[str] = frozenset(),
            example: str | None = None) -> Contrast:
    if w.holds or not w.attempts:
        return Contrast(question, ["No rule of the policy gives that outcome in your circumstances."])
    a = _used_there(w, rules) if rules else None
    if a is None:
        a = _best(w)
        for _ in range(MAX_DOWN):
            if not a.clause.rule.id.startswith("core.") or not a.deeper:
                break
            deeper = _best(a.deeper[0])
            if deeper is None:
                break
            a = deeper
    rule = a.clause.rule
    said = words.plain(a.text).replace(" (\u2026)", "").replace("\u2026", "this").rstrip(". ")
    out = [f"The rule that could give it says: {said[0].lower() + said[1:] if said[:2] != said[:2].upper() else said}"]
    out.append(_failure(a))
    if example:
        out.append(f"It would be different {example}.")
    return Contrast(question, out, spans(rule.cite.split(";")[0].strip(), ev.scenario.date))


def _failure(a: Attempt) -> str:
    f = a.failed
    if f is None:
        return "Whether it applies could not be decided here."
    if a.reason == "blocked":
        return "It does not apply, because an exception applies: " + words.plain(f.text.removeprefix("an exception applies: "))
    if a.reason == "comparison":
        return f"It does not apply, because the test {f.atom} is not met."
    if a.reason == "not_in_force":
        return "It does not apply, because " + words.plain(f.text)
    text = words.plain(f.text.removeprefix("not shown: "))
    if text.startswith("nothing in the scenario"):
        return "It does not apply: one of its conditions is not met in your circumstances."
    return f"It does not apply, because nothing shows that {text}"
