"""`wfikb test`: every scenario's [expect] checked in one batch, and rule coverage."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wfikb import result as results
from wfikb.engine import Engine, Evaluation
from wfikb.errors import InputError, QueryError, WfikbError
from wfikb.terms import instantiate
from wfikb.scenario import Scenario, load
from wfikb.model import parse_conclusion


def scenario_files(paths: list[str]) -> list[Path]:
    """Every scenario file under `paths`, each once (a folder named twice, or a file inside a
    folder also named, is read once)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(x for x in p.rglob("*") if x.suffix.lower() in (".toml", ".json") and x.is_file())
        elif p.exists():
            found = [p]
        else:
            raise InputError(p, None, "no such file or directory")
        for x in found:
            if x.resolve() not in seen:
                seen.add(x.resolve())
                out.append(x)
    return out


@dataclass
class Outcome:
    scenario: Scenario | None          # None: the file could not be read as a scenario
    problems: list[str] = field(default_factory=list)
    checked: bool = True
    source: str = ""

    def __post_init__(self):
        self.source = self.source or self.scenario.source

    @property
    def label(self) -> str:
        return f"{self.source} ({self.scenario.id})" if self.scenario else self.source


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
        got = ev.model.status(act)
        if got != want:
            out.problems.append(f"activity {act}: expected {want}, got {got}")
    for act, want in exp.get("sanction_risk", {}).items():
        got = ev.model.sanction_risk(act) if act in sc.activities else None
        if got != want:
            out.problems.append(f"sanction_risk {act}: expected {str(want).lower()}, got {str(got).lower() if got is not None else 'not asked'}")
    d = ev.model
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
    """Evaluate every readable scenario in one batch. A file that cannot be read, or repeats an
    id, is a failed outcome carrying its one-line error; the others still run. Outcomes follow
    the files' order."""
    scenarios: list[Scenario] = []
    order: list[Outcome | Scenario] = []
    seen: dict[str, str] = {}
    for p in scenario_files(paths):
        try:
            sc = load(p)
            if sc.id in seen:
                raise InputError(sc.source, "id", f"expected a unique id; {sc.id!r} is also used by {seen[sc.id]}")
        except InputError as e:
            order.append(Outcome(None, [str(e)], source=str(p)))
            continue
        seen[sc.id] = sc.source
        scenarios.append(sc)
        order.append(sc)
    answers = engine.evaluate_each(scenarios) if scenarios else []
    # A refused scenario (contradictory circumstances, a broken invariant) fails with its one line.
    evaluations = [a for a in answers if not isinstance(a, WfikbError)]
    checked = iter([Outcome(sc, [str(a)]) if isinstance(a, WfikbError) else check(a)
                    for sc, a in zip(scenarios, answers)])
    return evaluations, [o if isinstance(o, Outcome) else next(checked) for o in order]


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
    for ev in evaluations:
        used |= exercised_by(ev)
    return used | shared_rules(evaluations[0])


def exercised_by(ev: Evaluation) -> set[str]:
    """Rules that fired for this scenario (and the facts those firings used), leaving out the
    scenario-independent part of the model that every scenario of a batch shares (`shared_rules`)."""
    used: set[str] = set()
    for c, env in ev.model.own_instances():
        _note(ev.policy.fact_index, used, c, env)
    for c, env in ev.model.leaf_instances():    # lookups the solver does not record (@leaf)
        _note(ev.policy.fact_index, used, c, env)
    return used


def shared_rules(ev: Evaluation) -> set[str]:
    """Rules that fired in the scenario-independent part of the model: the same for every scenario."""
    used: set[str] = set()
    for c, env in ev.model.shared.instances():
        _note(ev.policy.fact_index, used, c, env)
    return used


def _note(facts, used: set[str], c, env) -> None:
    used.add(c.rule.id)
    for cond in c.conds:
        if cond.kind == "pos":
            try:
                sym = instantiate(cond.node, env)
            except KeyError:
                continue
            if sym in facts:
                used.add(facts[sym].rule.id)
