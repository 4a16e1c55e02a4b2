"""The contract's result (section 2) from an evaluation: regime and activities read from the model,
conclusions with their explanation graph (contract 1.2 section 3: each node once, then by reference)."""
from __future__ import annotations

from clingo import Function, Symbol

from wfikb.engine import Evaluation
from wfikb.graph import Fold
from wfikb.model import SANCTION_ANSWER, Status, conclusion_name


def conclusion_atoms(ev: Evaluation) -> list[Symbol]:
    """Every conclusion the policy derived for the scenario, in the result's order."""
    return ev.model.outputs(ev.scenario.activities)


def activity_entry(ev: Evaluation, activity: str, explain: bool = True) -> dict:
    """Status and sanction risk from the model; `because`: the rules that decided the status, then
    those that decided the sanction answer (policy/core/outputs.lp says which conclusion that is)."""
    m = ev.model
    status = m.status(activity)
    entry = {"status": status, "sanction_risk": m.sanction_risk(activity), "because": []}
    if explain and status is not None:
        d = ev.derivation
        because = d.tree(Status(activity, status).symbol(m.s)).rule_ids()
        act = Function(activity)
        for answer in m.atoms_of(SANCTION_ANSWER):
            if answer.arguments[1] == act:
                for child in d.tree(answer).children:
                    because += [r for r in child.rule_ids() if r not in because]
        entry["because"] = because
    return entry


def regime(ev: Evaluation) -> str | None:
    return ev.model.regime()


def result(ev: Evaluation) -> dict:
    d, fold = ev.derivation, Fold()
    return {
        "scenario": ev.scenario.id,
        "date": ev.scenario.date.isoformat(),
        "policy": ev.policy.version,
        "regime": regime(ev),
        "activities": {a: activity_entry(ev, a) for a in ev.scenario.activities},
        "conclusions": [fold.entry(d.tree(sym)) for sym in conclusion_atoms(ev)],
    }


def names(ev: Evaluation) -> set[str]:
    """Names of every conclusion that holds (for [expect] checks)."""
    return {conclusion_name(sym) for sym in conclusion_atoms(ev)}
