"""`wfikb test`: every scenario's [expect] checked in one batch, and rule coverage."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wfikb import result as results
from wfikb.engine import Engine, Evaluation
from wfikb.errors import InputError, QueryError
from wfikb.terms import instantiate
from wfikb.scenario import Scenario, load
from wfikb.texts import parse_conclusion


def scenario_files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.suffix in (".toml", ".json") and x.is_file())
        elif p.exists():
            out.append(p)
        else:
            raise InputError(p, None, "no such file or directory")
    return out


@dataclass
class Outcome:
    scenario: Scenario
    problems: list[str] = field(default_factory=list)
    checked: bool = True


def check(ev: Evaluation) -> Outcome:
    sc, exp = ev.scenario, ev.scenario.expect
    out = Outcome(sc, checked=bool(exp))
    got_regime = results.regime(ev)
    if "regime" in exp and exp["regime"] != got_regime:
        out.problems.append(f"regime: expected {exp['regime']}, got {got_regime}")
    for act, want in exp.get("activities", {}).items():
        if act not in sc.activities:
            out.problems.append(f"activity {act}: expected {want}, but it is not in [ask].activities")
            continue
        got = results.activity_entry(ev, act)["status"]
        if got != want:
            out.problems.append(f"activity {act}: expected {want}, got {got}")
    for act, want in exp.get("sanction_risk", {}).items():
        got = results.activity_entry(ev, act)["sanction_risk"] if act in sc.activities else None
        if got != want:
            out.problems.append(f"sanction_risk {act}: expected {str(want).lower()}, got {str(got).lower() if got is not None else 'not asked'}")
    d = ev.derivation
    for key, want in (("conclusions", True), ("not_conclusions", False)):
        for name in exp.get(key, []):
            try:
                atom = parse_conclusion(name, d.s)
            except QueryError as e:
                out.problems.append(f"{key}: {e}")
                continue
            if d.holds(atom) != want:
                out.problems.append(f"conclusion {name}: expected to {'hold' if want else 'not hold'}, "
                                    f"but it {'does not' if want else 'does'}")
    return out


def run(engine: Engine, paths: list[str]) -> tuple[list[Evaluation], list[Outcome]]:
    scenarios = [load(p) for p in scenario_files(paths)]
    seen: dict[str, str] = {}
    for sc in scenarios:
        if sc.id in seen:
            raise InputError(sc.source, "id", f"expected a unique id; {sc.id!r} is also used by {seen[sc.id]}")
        seen[sc.id] = sc.source
    evaluations = engine.evaluate_batch(scenarios) if scenarios else []
    return evaluations, [check(ev) for ev in evaluations]


CHECK_PREFIXES = ("invariant.", "consistency.")


def coverable(policy) -> list:
    """Rules a passing scenario can exercise: not the checks of policy/core/invariants.lp and
    consistency.lp, which fire only on a result or a scenario the engine refuses (tests/test_robustness.py)."""
    return [r for r in policy.rules.values() if not r.id.startswith(CHECK_PREFIXES)]


def exercised_rules(evaluations: list[Evaluation]) -> set[str]:
    """Rules that fired in some scenario; a fact counts when a fired rule instance used it."""
    used: set[str] = set()
    if not evaluations:
        return used
    policy = evaluations[0].policy
    facts = policy.fact_index
    def note(c, env):
        used.add(c.rule.id)
        for cond in c.conds:
            if cond.kind == "pos":
                try:
                    sym = instantiate(cond.node, env)
                except KeyError:
                    continue
                if sym in facts:
                    used.add(facts[sym].rule.id)
    for ev in evaluations:
        for c, env in ev.derivation.own_instances():
            note(c, env)
    for c, env in evaluations[0].derivation.shared.instances():
        note(c, env)
    return used
