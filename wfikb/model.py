"""What holds for each scenario: the model the solver produced, typed and queried without the explainer.

The engine hands each scenario a `Model`: its own facts, the rule instances the solver recorded for
it (clause and variable values), and the instances shared by every scenario (policy facts,
scenario-free rules). Result building, `wfikb test` and the tests ask the model (`holds`,
`atoms_of`, `query(Status)`, `param`); only explanations go through `wfikb.explanation`.

The contract's outputs (section 2) are declared once, below, as typed predicates in the manner of
clorm: each class names its atom, its fields, how it is named as a conclusion
(`activity=wfi:mandatory`), how such a name is parsed back, and its place in the result's order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import clingo
from clingo import Function, Number, Symbol, SymbolType

from wfikb.errors import QueryError
from wfikb.loader import Clause, Policy
from wfikb.symbols import args, signature, text
from wfikb.terms import compare, instantiate, match


# ------------------------------------------------------------------ the outputs, declared once
@dataclass(frozen=True)
class Output:
    """A contract output predicate. Subclasses declare `atom` (name), `fields` (after S) and `prefix`
    (the conclusion name's left side, or None for `conclude/3` whose key is its first field)."""
    atom: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]
    prefix: ClassVar[str | None]

    @classmethod
    def signature(cls) -> tuple[str, int]:
        return (cls.atom, len(cls.fields) + 1)

    @classmethod
    def from_symbol(cls, sym: Symbol) -> "Output":
        return cls(*(text(a) for a in args(sym)[1:]))

    def symbol(self, s: Symbol) -> Symbol:
        return Function(self.atom, [s, *(_term(getattr(self, f)) for f in self.fields)])

    def name(self) -> str:
        raise NotImplementedError

    @classmethod
    def parse(cls, key: str, value: str) -> "Output":
        raise NotImplementedError


@dataclass(frozen=True)
class Regime(Output):
    regime: str
    atom: ClassVar[str] = "regime"
    fields: ClassVar[tuple[str, ...]] = ("regime",)
    prefix: ClassVar[str | None] = "regime"

    # The regimes as readers read them: the group of WRA 2012 Part 1 ch.2 each one is (s.19-22).
    WORDS: ClassVar[dict[str, str]] = {
        "no_work_related_requirements": "no work-related requirements",
        "work_focused_interview": "work-focused interview requirement only",
        "work_preparation": "work-focused interview and work preparation",
        "all_work_related_requirements": "all work-related requirements",
    }
    SECTIONS: ClassVar[dict[str, str]] = {
        "no_work_related_requirements": "WRA 2012 s.19", "work_focused_interview": "WRA 2012 s.20",
        "work_preparation": "WRA 2012 s.21", "all_work_related_requirements": "WRA 2012 s.22",
    }

    def name(self) -> str:
        return f"regime={self.regime}"

    def words(self) -> str:
        """The regime in words with its section, e.g. "no work-related requirements (WRA 2012 s.19)"."""
        w = self.WORDS.get(self.regime)
        return f"{w} ({self.SECTIONS[self.regime]})" if w else self.regime

    @classmethod
    def parse(cls, key, value):
        return cls(value)


@dataclass(frozen=True)
class Status(Output):
    activity: str
    status: str
    atom: ClassVar[str] = "status"
    fields: ClassVar[tuple[str, ...]] = ("activity", "status")
    prefix: ClassVar[str | None] = "activity"

    WORDS: ClassVar[dict[str, str]] = {"mandatory": "mandatory", "voluntary": "voluntary",
                                       "not_permitted": "not permitted"}

    def name(self) -> str:
        return f"activity={self.activity}:{self.status}"

    @classmethod
    def status_words(cls, status: str | None) -> str:
        return cls.WORDS.get(status, status) if status else "?"

    @classmethod
    def parse(cls, key, value):
        if ":" not in value:
            raise QueryError(value, "expected activity=ACTIVITY:STATUS, e.g. activity=wfi:mandatory")
        act, status = value.split(":", 1)
        return cls(act.strip(), status.strip())


@dataclass(frozen=True)
class SanctionRisk(Output):
    activity: str
    atom: ClassVar[str] = "sanction_risk"
    fields: ClassVar[tuple[str, ...]] = ("activity",)
    prefix: ClassVar[str | None] = "sanction_risk"

    def name(self) -> str:
        return f"sanction_risk={self.activity}"

    @classmethod
    def parse(cls, key, value):
        return cls(value)


@dataclass(frozen=True)
class Conclusion(Output):
    """Any other conclusion the policy states about the scenario: `conclude(S, Key, Value)`."""
    key: str
    value: str
    atom: ClassVar[str] = "conclude"
    fields: ClassVar[tuple[str, ...]] = ("key", "value")
    prefix: ClassVar[str | None] = None

    def name(self) -> str:
        return f"{self.key}={self.value}"

    @classmethod
    def parse(cls, key, value):
        return cls(key, value)


# The result's order: regimes, then statuses and sanction risks (in the order asked), then the rest.
OUTPUTS: tuple[type[Output], ...] = (Regime, Status, SanctionRisk, Conclusion)
BY_SIGNATURE = {o.signature(): o for o in OUTPUTS}
BY_PREFIX = {o.prefix: o for o in OUTPUTS if o.prefix}


def output_words(sig: tuple[str, int]) -> tuple[int, dict[str, str]] | None:
    """For an output whose value reads as words (regime/2, status/3): the value's argument position
    and its words, so a rule text that names the value bound by such an atom says it in words."""
    cls = BY_SIGNATURE.get(sig)
    words = getattr(cls, "WORDS", None)
    return (sig[1] - 1, words) if words else None


# The link that says what decided an activity's sanction-risk answer (policy/core/outputs.lp).
SANCTION_ANSWER = ("sanction_answer", 3)


def is_output(sym: Symbol) -> bool:
    return signature(sym) in BY_SIGNATURE


def typed(sym: Symbol) -> Output:
    return BY_SIGNATURE[signature(sym)].from_symbol(sym)


def conclusion_name(sym: Symbol) -> str:
    """`regime=...`, `activity=wfi:mandatory`, `sanction_risk=wfi` or `key=value`."""
    return typed(sym).name()


MAX_NAME = 200
NOT_A_NAME = ("not a conclusion name; expected e.g. regime=work_preparation, activity=wfi:mandatory, "
              "sanction_risk=wfi, letter=let_6, or an atom such as uc_within(s20)")


def parse_conclusion(name: str, s: Symbol) -> Symbol:
    """The atom a conclusion name (or a policy atom without its scenario argument) stands for, in
    scenario s. Raises QueryError when unreadable: not printable ASCII, not a term, or a scenario
    fact whose arguments do not fit it."""
    from wfikb.texts import input_text, is_input
    text = name.strip()
    if not text.isascii() or not text.isprintable() or not 0 < len(text) <= MAX_NAME:
        raise QueryError(name, f"expected a name in printable ASCII of at most {MAX_NAME} characters, "
                               "e.g. regime=work_preparation")
    try:
        atom = _conclusion_atom(name, text, s)
    except RuntimeError:
        raise QueryError(name, NOT_A_NAME) from None
    if is_input((atom.name, len(atom.arguments))):
        # A scenario fact is shown through the vocabulary; one that cannot be (benefit(1),
        # child(x), date_of(1,2,3)) cannot be a fact of any scenario.
        try:
            input_text(atom)
        except (RuntimeError, LookupError, ValueError, StopIteration, AttributeError, TypeError):
            raise QueryError(name, f"{atom.name}/{len(atom.arguments) - 1} is a scenario fact and these "
                                   "arguments do not fit it (see `wfikb vocabulary`)") from None
    return atom


def _conclusion_atom(name: str, text: str, s: Symbol) -> Symbol:
    if "=" in text:
        key, value = (x.strip() for x in text.split("=", 1))
        if not key or not value:
            raise RuntimeError("empty")
        try:
            out = BY_PREFIX[key].parse(key, value) if key in BY_PREFIX else Conclusion.parse(key, value)
        except QueryError as e:
            raise QueryError(name, e.expected) from None
        return out.symbol(s)
    term = _term(text)
    if term.type != SymbolType.Function or not term.name:
        raise QueryError(name, "expected a conclusion such as regime=work_preparation or an atom such as uc_within(s20)")
    return Function(term.name, [s, *term.arguments])


def _term(text: str) -> Symbol:
    if not text:
        raise RuntimeError("empty")
    return clingo.parse_term(text, logger=lambda c, m: None)


# ------------------------------------------------------------------ parameters
@dataclass(frozen=True)
class Param:
    """The `param/4` fact in force on the scenario date: its value, window and annotated clause."""
    name: Symbol
    value: Symbol
    start: int
    end: int
    clause: Clause | None


# ------------------------------------------------------------------ the model
class Model:
    """One scenario's model: its facts, the atoms derived for it and the instances that derived them."""

    def __init__(self, policy: Policy, s: int, inputs: list[Symbol], fired: list[tuple[int, list[Symbol]]],
                 shared: "Shared"):
        self.policy, self.s, self.shared = policy, Number(s), shared
        self.inputs = frozenset(inputs)
        self._fired = fired
        self._atoms: frozenset[Symbol] | None = None
        self._by_head: dict[Symbol, list[tuple[Clause, dict]]] | None = None
        self._by_pred: dict[tuple[str, int], list[Symbol]] | None = None
        self._leaf: dict[Symbol, list[tuple[Clause, dict]]] | None = None

    @property
    def atoms(self) -> frozenset[Symbol]:
        """The scenario's facts and every atom a recorded rule instance derived for it."""
        if self._atoms is None:
            self._atoms = self.inputs | frozenset(self._index())
        return self._atoms

    def holds(self, sym: Symbol) -> bool:
        if self.policy.leaves and signature(sym) in self.policy.leaves:
            return sym in self._leaves()
        return sym in self.atoms or sym in self.shared.atoms

    def _leaves(self) -> dict[Symbol, list[tuple[Clause, dict]]]:
        """The atoms of `@leaf` rules (p/3, in_force/2) with their instances, computed here from the
        scenario's facts and the policy's facts: the solver derives them but records no instance
        (docs/explanations.md). Computed on first use only."""
        if self._leaf is None:
            self._leaf = {}
            for rules in self.policy.leaves.values():
                for c, conds in rules:
                    for env in self._solve_leaf(conds, {}):
                        self._leaf.setdefault(instantiate(c.head, env), []).append((c, env))
        return self._leaf

    def _solve_leaf(self, conds: list, env: dict) -> Iterator[dict]:
        if not conds:
            yield env
            return
        cond, rest = conds[0], conds[1:]
        if cond.kind == "cmp":
            e = compare(cond.node, env, cond.assigns)
            if e is not None:
                yield from self._solve_leaf(rest, e)
            return
        for a in self.atoms_of((cond.node[1], len(cond.node[2]))):
            e = match(cond.node, a, env)
            if e is not None:
                yield from self._solve_leaf(rest, e)

    def leaf_instances(self) -> Iterator[tuple[Clause, dict]]:
        """The instances of `@leaf` rules that hold for this scenario (not recorded by the solver)."""
        for found in self._leaves().values():
            yield from found

    def own_instances(self) -> Iterator[tuple[Clause, dict]]:
        """Every rule instance the solver recorded for this scenario: its clause and variable values."""
        return _instances(self.policy, self._fired)

    def _index(self) -> dict[Symbol, list[tuple[Clause, dict]]]:
        if self._by_head is None:
            self._by_head, self._by_pred = {}, {}
            for c, env in self.own_instances():
                head = instantiate(c.head, env)
                found = self._by_head.get(head)
                if found is None:
                    self._by_head[head] = [(c, env)]
                    self._by_pred.setdefault(c.signature, []).append(head)
                else:
                    found.append((c, env))
            for sym in self.inputs:
                self._by_pred.setdefault(signature(sym), []).append(sym)
        return self._by_head

    def candidates(self, sym: Symbol) -> list[tuple[Clause, dict]] | None:
        """The recorded instances whose head is sym (for a leaf atom, its computed instance)."""
        if self.policy.leaves and signature(sym) in self.policy.leaves:
            return self._leaves().get(sym)
        return self._index().get(sym) or self.shared.index().get(sym)

    def atoms_of(self, sig: tuple[str, int]) -> list[Symbol]:
        """Atoms of one predicate that hold for this scenario (its own, then shared ones)."""
        if sig in self.policy.leaves:
            return [a for a in self._leaves() if signature(a) == sig]
        self._index()
        return self._by_pred.get(sig, []) + self.shared.atoms_of(sig)

    # -------------------------------------------------------------- typed queries
    def query(self, output: type[Output]) -> list[Output]:
        return [output.from_symbol(a) for a in sorted(self.atoms_of(output.signature()), key=text)]

    def regime(self) -> str | None:
        found = self.query(Regime)
        return found[0].regime if found else None

    def status(self, activity: str) -> str | None:
        return next((x.status for x in self.query(Status) if x.activity == activity), None)

    def sanction_risk(self, activity: str) -> bool:
        return self.holds(SanctionRisk(activity).symbol(self.s))

    def outputs(self, asked: list[str] = ()) -> list[Symbol]:
        """Every output atom that holds, in the result's order (activities in the order asked)."""
        order = {a: i for i, a in enumerate(asked)}
        rank = {o.signature(): i for i, o in enumerate(OUTPUTS)}
        out = [a for o in OUTPUTS for a in self.atoms_of(o.signature())]

        def key(sym):
            act = getattr(typed(sym), "activity", None)
            return (rank[signature(sym)], order.get(act, len(order)) if act else 0, text(sym))
        return sorted(out, key=key)

    def today(self) -> int | None:
        found = self.atoms_of(("today", 2))
        return found[0].arguments[1].number if found else None

    def param(self, name: Symbol, value: Symbol | None = None) -> Param | None:
        """The dated parameter `name` in force on the scenario date (with that value, if given)."""
        d = self.today()
        for a in self.shared.params(name):
            v, f, t = a.arguments[1:]
            if (value is None or v == value) and d is not None and f.number <= d <= t.number:
                return Param(name, v, f.number, t.number, self.policy.fact_index.get(a))
        return None


class Shared:
    """Atoms and rule instances that belong to no scenario (policy facts and scenario-free rules)."""

    def __init__(self, policy: Policy, fired: list[tuple[int, list[Symbol]]]):
        self.policy, self._fired = policy, fired
        self._by_head: dict | None = None
        self._by_pred: dict | None = None
        self._atoms: frozenset[Symbol] | None = None
        self._params: dict | None = None

    def instances(self) -> Iterator[tuple[Clause, dict]]:
        return _instances(self.policy, self._fired)

    def index(self) -> dict[Symbol, list[tuple[Clause, dict]]]:
        if self._by_head is None:
            self._by_head = {}
            for c, env in self.instances():
                self._by_head.setdefault(instantiate(c.head, env), []).append((c, env))
        return self._by_head

    @property
    def atoms(self) -> frozenset[Symbol]:
        if self._atoms is None:
            self._atoms = frozenset(self.policy.fact_index) | frozenset(self.index())
        return self._atoms

    def atoms_of(self, sig: tuple[str, int]) -> list[Symbol]:
        if self._by_pred is None:
            self._by_pred = {}
            for a in self.atoms:
                self._by_pred.setdefault((a.name, len(a.arguments)), []).append(a)
        return self._by_pred.get(sig, [])

    def params(self, name: Symbol) -> list[Symbol]:
        if self._params is None:
            self._params = {}
            for a in sorted(self.atoms_of(("param", 4)), key=str):
                self._params.setdefault(a.arguments[0], []).append(a)
        return self._params.get(name, [])


def _instances(policy: Policy, fired: list[tuple[int, list[Symbol]]]) -> Iterator[tuple[Clause, dict]]:
    clauses = policy.clauses
    for idx, values in fired:      # values: the record's variable values, in c.variables' order
        c = clauses[idx]
        yield c, dict(zip(c.variables, values))
