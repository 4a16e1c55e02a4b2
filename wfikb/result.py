"""The contract's result (section 2) from an evaluation: regime, activities, conclusions with trees."""
from __future__ import annotations

from clingo import Function, Symbol

from wfikb.engine import Evaluation

ORDER = {"regime": 0, "status": 1, "sanction_risk": 2, "conclude": 3}


def conclusion_atoms(ev: Evaluation) -> list[Symbol]:
    """Every conclusion the policy derived for the scenario, in a stable order."""
    d = ev.derivation
    asked = {a: i for i, a in enumerate(ev.scenario.activities)}
    out = []
    for name, arity in (("regime", 2), ("status", 3), ("sanction_risk", 2), ("conclude", 3)):
        out += d.atoms_of((name, arity))

    def key(sym):
        args = sym.arguments
        act = str(args[1]) if sym.name in ("status", "sanction_risk") else ""
        return (ORDER[sym.name], asked.get(act, len(asked)), str(sym))
    return sorted(out, key=key)


def activity_entry(ev: Evaluation, activity: str) -> dict:
    d = ev.derivation
    s = d.s
    act = Function(activity)
    statuses = [a for a in d.atoms_of(("status", 3)) if a.arguments[1] == act]
    status = statuses[0].arguments[2].name if statuses else None
    because = d.tree(statuses[0]).rule_ids() if statuses else []
    risk = d.holds(Function("sanction_risk", [s, act]))
    excused = Function("conclude", [s, Function("sanction_excused"), act])
    for extra in (Function("sanction_risk", [s, act]), excused):
        if d.holds(extra):
            because += [r for r in d.tree(extra).rule_ids() if r not in because]
    return {"status": status, "sanction_risk": risk, "because": because}


def regime(ev: Evaluation) -> str | None:
    found = ev.derivation.atoms_of(("regime", 2))
    return found[0].arguments[1].name if found else None


def result(ev: Evaluation) -> dict:
    d = ev.derivation
    return {
        "scenario": ev.scenario.id,
        "date": ev.scenario.date.isoformat(),
        "policy": ev.policy.version,
        "regime": regime(ev),
        "activities": {a: activity_entry(ev, a) for a in ev.scenario.activities},
        "conclusions": [d.tree(sym).to_dict() for sym in conclusion_atoms(ev)],
    }


def names(ev: Evaluation) -> set[str]:
    """Names of every conclusion that holds (for [expect] checks)."""
    d = ev.derivation
    return {d.show(sym) for sym in conclusion_atoms(ev)}
