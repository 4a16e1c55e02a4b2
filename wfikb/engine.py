"""The engine: one clingo control per batch of scenarios.

The policy is parsed and rewritten once (`Policy`); for a batch, its statements and every
scenario's facts (as symbols, through the backend) go into one control, which is grounded and
solved once. One scenario is a batch of one. The model is split per scenario by the scenario
number every scenario-dependent atom carries as its first argument.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import clingo

from wfikb.errors import PolicyError
from wfikb.explanation import Derivation
from wfikb.model import Model, Shared
from wfikb.facts import scenario_facts
from wfikb.loader import FIRED, Policy
from wfikb.scenario import Scenario


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
    def __init__(self, policy: Policy | None = None):
        self.policy = policy or Policy.load()

    def evaluate(self, scenario: Scenario) -> Evaluation:
        return self.evaluate_batch([scenario])[0]

    def evaluate_stream(self, scenarios: Iterable[Scenario], chunk: int = 500) -> Iterator[Evaluation]:
        """Evaluate scenarios as they come, in input order, `chunk` of them per control: memory is
        bounded by the chunk (and what the caller keeps), not by the length of the input."""
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        it = iter(scenarios)
        while batch := list(itertools.islice(it, chunk)):
            evaluations = self.evaluate_batch(batch)
            del batch
            evaluations.reverse()
            while evaluations:      # hand each one over and keep no reference to it
                yield evaluations.pop()

    def evaluate_batch(self, scenarios: list[Scenario]) -> list[Evaluation]:
        messages: list[str] = []
        ctl = clingo.Control(["--models=1"], logger=lambda code, msg: messages.append(msg), message_limit=100)
        # The policy's own rewritten text (never scenario values, which go in as symbols below).
        ctl.add("base", [], self.policy.program_text)
        # Only the records leave the solver: every derived atom is the head of one of them.
        ctl.add("base", [], f"#show {FIRED}/2.")
        inputs = [scenario_facts(i, sc) for i, sc in enumerate(scenarios)]
        with ctl.backend() as backend:
            for facts in inputs:
                for sym in facts:
                    backend.add_rule([backend.add_atom(sym)])
        try:
            ctl.ground([("base", [])])
        except RuntimeError as e:
            raise PolicyError(f"grounding the policy failed: {(messages or [str(e)])[0].strip()}") from None
        model_atoms: list[clingo.Symbol] = []
        result = ctl.solve(on_model=lambda m: model_atoms.extend(m.symbols(shown=True)))
        if not result.satisfiable:
            raise PolicyError("the policy has no model for this input (a rule set contradicts itself)")
        return self._split(scenarios, inputs, model_atoms)

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
            if pos >= 0:
                fired[values.arguments[pos].number].append((k, values))
            else:
                shared_fired.append((k, values))
        shared = Shared(policy, shared_fired)
        return [Evaluation(sc, Model(policy, i, inputs[i], fired[i], shared))
                for i, sc in enumerate(scenarios)]
