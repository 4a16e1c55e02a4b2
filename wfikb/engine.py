"""The engine: one clingo control per batch of scenarios.

The policy is parsed and rewritten once (`Policy`); for a batch, its statements and every
scenario's facts (as symbols, through the backend) go into one control, which is grounded and
solved once. One scenario is a batch of one. The model is split per scenario by the scenario
number every scenario-dependent atom carries as its first argument.

Nothing leaves the engine unchecked (docs/robustness.md):
- grounding and solving stop at a time limit (`LimitError`);
- the program must have exactly one answer set (solved for two models; `InvariantError`);
- a scenario whose facts break a constraint of policy/core/consistency.lp is refused, naming the
  smallest set of its facts that conflict, found as clingo's unsatisfiable core (`ContradictionError`);
- a result that derives `invariant_violated(S, Name)` (policy/core/invariants.lp) is refused,
  naming the invariant and the rules that derived the conflicting conclusions (`InvariantError`).
"""
from __future__ import annotations

import gc
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import clingo

from wfikb import texts
from wfikb.errors import ContradictionError, InvariantError, LimitError, PolicyError, RefusedError
from wfikb.explanation import Derivation
from wfikb.facts import scenario_facts
from wfikb.loader import FIRED, VIOLATED, Policy
from wfikb.model import Model, Shared
from wfikb.scenario import Scenario

DEFAULT_TIMEOUT = 60.0
INVARIANT = ("invariant_violated", 2)
CHECKS = ("invariant.", "consistency.")     # rule ids of policy/core/invariants.lp and consistency.lp


@dataclass
class Evaluation:
    """A scenario and its model (what holds); `derivation` explains it, built on first use."""
    scenario: Scenario
    model: Model
    _derivation: Derivation | None = field(default=None, repr=False, compare=False)

    @property
    def policy(self) -> Policy:
        return self.model.policy

    @property
    def derivation(self) -> Derivation:
        if self._derivation is None:
            self._derivation = Derivation(self.model)
        return self._derivation


class Engine:
    def __init__(self, policy: Policy | None = None, timeout: float | None = DEFAULT_TIMEOUT,
                 refuse_broken: bool = True):
        self.policy = policy or Policy.load()
        self.timeout = timeout          # seconds for grounding and solving together; None: no limit
        # An analyst comparing a candidate policy wants to see which results break an invariant
        # (`broken_invariants`), not to be refused: wfikb diff and check turn this off.
        self.refuse_broken = refuse_broken
        for rid, where in self.policy.disabled_by.items():
            if rid.startswith(CHECKS):
                raise PolicyError(f"{where}: @disable {rid}: invariants and consistency constraints cannot be "
                                  "switched off (docs/robustness.md)")

    def evaluate(self, scenario: Scenario) -> Evaluation:
        return self.evaluate_batch([scenario])[0]

    def evaluate_stream(self, scenarios: Iterable[Scenario], chunk: int = 500,
                        reasons: bool = True) -> Iterator[Evaluation | RefusedError]:
        """Evaluate scenarios as they come, in input order, `chunk` of them per control: memory is
        bounded by the chunk (and what the caller keeps), not by the length of the input. A refused
        scenario yields its `RefusedError` in its place (see `evaluate_each`)."""
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        it = iter(scenarios)
        while batch := list(itertools.islice(it, chunk)):
            evaluations = self.evaluate_each(batch, reasons)
            del batch
            evaluations.reverse()
            while evaluations:      # hand each one over and keep no reference to it
                yield evaluations.pop()

    def evaluate_each(self, scenarios: list[Scenario], reasons: bool = True) -> list[Evaluation | RefusedError]:
        """Like `evaluate_batch`, but a refused scenario (contradictory circumstances, a broken
        invariant) takes only its own place, as its error: the others are still answered, from the
        same grounding (the constraints are recorded, not enforced, and scenarios never share an
        atom that depends on one of them, so one scenario's refusal leaves the others' models as
        they are). `reasons` False: a contradiction is refused without the search for its smallest
        conflicting facts (for callers that drop refused scenarios unseen: re-solving alternatives
        for a report, the service's `needed`)."""
        out: list[Evaluation | RefusedError | None] = [None] * len(scenarios)
        left = list(range(len(scenarios)))
        while left:
            try:
                evaluations = self._evaluate([scenarios[i] for i in left], every=True, reasons=reasons)
            except RefusedError as e:      # more than one answer set: refuse that one and go again
                if e.index is None:
                    raise
                out[left[e.index]] = e
                del left[e.index]
                continue
            for i, ev in zip(left, evaluations):
                out[i] = ev
            break
        return out

    def evaluate_batch(self, scenarios: list[Scenario]) -> list[Evaluation]:
        return self._evaluate(scenarios, every=False)

    def _evaluate(self, scenarios: list[Scenario], every: bool, reasons: bool = True) -> list:
        """Ground and solve the batch once. A scenario that breaks a constraint or an invariant is
        refused: the first such raises (`every` False), or each takes its place as its error."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        messages: list[str] = []
        ctl = clingo.Control(["--models=2"], logger=lambda code, msg: messages.append(msg), message_limit=100)
        # The policy's own rewritten text (never scenario values, which go in as symbols below).
        ctl.add("base", [], self.policy.program_text)
        # Only the records leave the solver: every derived atom is the head of one of them. The
        # invariants' atoms leave too, so only a scenario that breaks one is indexed to be refused.
        ctl.add("base", [], f"#show {FIRED}/2. #show {VIOLATED}/2. #show {INVARIANT[0]}/{INVARIANT[1]}.")
        inputs = [scenario_facts(i, sc) for i, sc in enumerate(scenarios)]
        with ctl.backend() as backend:
            for facts in inputs:
                for sym in facts:
                    backend.add_rule([backend.add_atom(sym)])
        _ground(ctl, messages, deadline, self.timeout)
        models = _solve(ctl, deadline, self.timeout)
        if not models:
            raise PolicyError("the policy has no model for this input (a rule set contradicts itself)")
        if len(models) > 1:
            raise self._several_models(scenarios, models)
        fired, violated, broken = [], [], []
        for sym in models[0]:
            name = sym.name
            (fired if name == FIRED else violated if name == VIOLATED else broken).append(sym)
        refused: dict[int, RefusedError] = {}
        if violated:
            by_scenario: dict[int, list] = {}
            for sym in violated:
                k, values = sym.arguments
                i = values.arguments[self.policy.constraints[k.number].s_position].number
                by_scenario.setdefault(i, []).append(sym)
            for i in sorted(by_scenario) if every else [min(by_scenario)]:
                refused[i] = (self._contradiction(scenarios, inputs, by_scenario[i]) if reasons else
                              ContradictionError(f"{scenarios[i].source}: contradictory circumstances", i))
                if not every:
                    raise refused[i]
        # The Python phase makes many small objects that all live on: the collector would only walk them.
        enabled = gc.isenabled()
        gc.disable()
        try:
            evaluations = self._split(scenarios, inputs, fired)
        finally:
            if enabled:
                gc.enable()
        if self.refuse_broken and broken:
            for i in sorted({sym.arguments[0].number for sym in broken} - set(refused)):
                try:
                    _check_invariants(evaluations[i], i)
                except InvariantError as e:
                    if not every:
                        raise
                    refused[i] = e
        for i, e in refused.items():
            evaluations[i] = e
        return evaluations

    def _split(self, scenarios, inputs, records):
        """Share out the records by scenario: the scenario number sits in each record's values."""
        policy = self.policy
        fired: list[list] = [[] for _ in scenarios]
        shared_fired = []
        s_positions = policy.s_positions
        for sym in records:
            idx, values = sym.arguments
            k = idx.number
            pos = s_positions[k]
            args = values.arguments     # read once: each read of a symbol's arguments crosses into clingo
            if pos >= 0:
                fired[args[pos].number].append((k, args))
            else:
                shared_fired.append((k, args))
        shared = Shared(policy, shared_fired)
        return [Evaluation(sc, Model(policy, i, inputs[i], fired[i], shared))
                for i, sc in enumerate(scenarios)]

    # ------------------------------------------------------------------ refusals
    def _several_models(self, scenarios, models) -> InvariantError:
        """Name the scenario and the rules whose records differ between the two answer sets."""
        policy = self.policy
        differ = set(models[0]) ^ set(models[1])
        where, rule_ids = None, []
        for sym in sorted(differ):
            if sym.name != FIRED:
                continue
            k, values = sym.arguments
            rid = policy.clauses[k.number].rule.id
            if rid not in rule_ids:
                rule_ids.append(rid)
            pos = policy.s_positions[k.number]
            if where is None and pos >= 0:
                where = values.arguments[pos].number
        sc = scenarios[where] if where is not None else None
        subject = f"{sc.source}: scenario {sc.id}" if sc else "the batch"
        return InvariantError(f"{subject}: refused: invariant one_answer_set broken: the policy has more than one "
                              f"answer set for this input, so no single result; rules involved: "
                              f"{', '.join(rule_ids) or 'none recorded'}", where)

    def _contradiction(self, scenarios, inputs, violated) -> ContradictionError:
        """The first scenario (in batch order) that breaks a constraint; its smallest conflicting facts."""
        policy = self.policy
        found = []
        for sym in violated:
            k, values = sym.arguments
            c = policy.constraints[k.number]
            found.append((values.arguments[c.s_position].number, k.number, values))
        i, k, values = min(found, key=lambda x: (x[0], x[1]))
        c = policy.constraints[k]
        env = dict(zip(c.variables, values.arguments))
        text = texts.fill(c.rule.text, env)
        core = unsat_core(policy, c.index, inputs[i])
        labels = list(dict.fromkeys(_label(sym) for sym in core)) or ["the scenario"]
        sc = scenarios[i]
        return ContradictionError(f"{sc.source}: contradictory circumstances: {' and '.join(labels)} "
                                  f"({c.rule.id}: {text.rstrip('.')})", i)


def _ground(ctl: clingo.Control, messages: list[str], deadline: float | None, timeout: float | None):
    """Ground in a thread, so a program that grounds forever is stopped at the deadline."""
    failure: list[BaseException] = []

    def run():
        try:
            ctl.ground([("base", [])])
        except BaseException as e:   # handed to the calling thread
            failure.append(e)
    if deadline is None:
        run()
    else:
        worker = threading.Thread(target=run, name="wfikb-ground", daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            # clingo cannot interrupt grounding: the thread runs on; the command line ends the process.
            raise LimitError(f"grounding ran past the time limit ({timeout:g} s); "
                             "a larger --timeout may help, or the policy or overlay may ground forever", stuck=True)
    if failure:
        if isinstance(failure[0], RuntimeError):
            raise PolicyError(f"grounding the policy failed: {(messages or [str(failure[0])])[0].strip()}") from None
        raise failure[0]


def _solve(ctl: clingo.Control, deadline: float | None, timeout: float | None) -> list[list[clingo.Symbol]]:
    models: list[list[clingo.Symbol]] = []
    with ctl.solve(on_model=lambda m: models.append(m.symbols(shown=True)), async_=True) as handle:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not handle.wait(wait):
            handle.cancel()
            raise LimitError(f"solving ran past the time limit ({timeout:g} s); a larger --timeout may help")
        handle.get()
    return models


def unsat_core(policy: Policy, k: int, facts: list[clingo.Symbol]) -> list[clingo.Symbol]:
    """The smallest set of the scenario's facts that breaks constraint k, found by clingo.

    The policy as written plus the constraint itself; every fact of the scenario is an assumption
    (a choice the assumptions fix to true). The core clingo reports is then shrunk one fact at a time
    until removing any fact makes the program satisfiable again (a minimal core)."""
    ctl = clingo.Control(["--models=1"], logger=lambda code, msg: None)
    ctl.add("base", [], policy.plain_program_text)
    ctl.add("base", [], policy.constraint_program[k])
    by_literal: dict[int, clingo.Symbol] = {}
    with ctl.backend() as backend:
        for sym in facts:
            lit = backend.add_atom(sym)
            if sym.name == "scenario":
                backend.add_rule([lit])            # which scenario it is: never in conflict
            else:
                backend.add_rule([lit], choice=True)
                by_literal[lit] = sym
    ctl.ground([("base", [])])
    lits = list(by_literal)

    def core_of(assumed: list[int]) -> list[int] | None:
        found: list[list[int]] = []
        result = ctl.solve(assumptions=assumed, on_core=lambda c: found.append(list(c)))
        if result.satisfiable:
            return None
        return [x for x in (found[0] if found else assumed) if x in by_literal]

    core = core_of(lits)
    if core is None:
        return []
    i = 0
    while i < len(core):
        smaller = core_of(core[:i] + core[i + 1:])
        if smaller is None:
            i += 1
        else:
            core = smaller if len(smaller) < len(core) else core[:i] + core[i + 1:]
    order = {sym: i for i, sym in enumerate(facts)}
    return sorted((by_literal[x] for x in core), key=order.__getitem__)   # in the scenario's own order


def _label(sym: clingo.Symbol) -> str:
    """The scenario key a fact came from, with its value when it has one."""
    _, key = texts.input_text(sym)
    args = sym.arguments
    if sym.name == "today":
        return f"date ({texts.fmt(args[1], 'date')})"
    if sym.name in ("date_of", "days_since", "years_since", "months_since", "weekday"):
        return key
    if len(args) == 2 and args[1].type == clingo.SymbolType.Function and key.startswith(("claimant.", "ask.")) \
            and not key.startswith("claimant.children"):
        return f"{key} = {args[1].name}"
    return key or str(sym)


def broken_invariants(ev: Evaluation) -> list[str]:
    """The reader text of each invariant of policy/core/invariants.lp the result breaks (none for a
    result the engine would give)."""
    return [ev.derivation.tree(sym).text.rstrip(".") for sym in ev.model.atoms_of(INVARIANT)]


def _check_invariants(ev: Evaluation, index: int):
    broken = ev.model.atoms_of(INVARIANT)
    if not broken:
        return
    d = ev.derivation     # only a refusal needs the explainer: it names the rules involved
    tree = d.tree(broken[0])
    involved = []
    for child in tree.children:
        if child.kind == "derived" and child.rule not in involved:
            involved.append(child.rule)
    sc = ev.scenario
    text = tree.text.rstrip(".")
    raise InvariantError(f"{sc.source}: scenario {sc.id}: refused: invariant {tree.rule} broken: {text}; "
                         f"rules involved: {', '.join(involved) or 'none (no rule derived the missing conclusion)'}",
                         index)
