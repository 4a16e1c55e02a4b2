"""The loaded policy's data: rules (annotations), their clauses, and each clause's typed conditions.

Plain Python data only (no clingo objects), so a loaded policy can be written to the cache as JSON
and read back (`to_plain` / `from_plain`) without any code running. Term templates are the tuples of
`wfikb.terms`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from wfikb.dates import from_int

FOREVER = 99991231          # the open end of a window or a parameter (YYYYMMDD)
SCENARIO_VAR = "S"          # the scenario variable, first argument of every scenario-dependent head


@dataclass
class Rule:
    id: str
    cite: str
    text: str
    file: str
    line: int
    window: tuple[int, int] | None = None
    clauses: list["Clause"] = field(default_factory=list)

    @property
    def window_text(self) -> str:
        if not self.window:
            return "always"
        f, t = self.window
        return f"{from_int(f).isoformat() if f else '…'} to {from_int(t).isoformat() if t != FOREVER else 'now'}"


@dataclass
class Cond:
    """One condition of a clause body. Subclasses say which; `kind` names it for older callers."""
    kind: ClassVar[str] = ""
    node: object                  # what the condition tests (see each subclass)
    variables: frozenset[str]
    source: str = ""              # the condition as written
    assigns: ClassVar[str | None] = None

    def ready(self, bound: set[str]) -> bool:
        """Can the condition be tested once `bound` variables have values?"""
        return self.variables <= bound


@dataclass
class Pos(Cond):
    """A positive atom; node is its template. Binds its variables."""
    kind: ClassVar[str] = "pos"

    def ready(self, bound):
        return True


@dataclass
class Neg(Cond):
    """`not atom`; node is the atom's template ('_' stays anonymous)."""
    kind: ClassVar[str] = "neg"


@dataclass
class Cmp(Cond):
    """A comparison; node is (left, ((op, right), ...)). `X = expr` binds X when X is unbound."""
    kind: ClassVar[str] = "cmp"
    assigns: str | None = None

    def ready(self, bound):
        return self.variables <= bound or bool(self.assigns and self.variables - {self.assigns} <= bound)


@dataclass
class Agg(Cond):
    """A body aggregate; node is its text (not re-checked by explanations)."""
    kind: ClassVar[str] = "agg"


@dataclass
class InForce(Cond):
    """The rule's in-force window; node is (from, to) as YYYYMMDD integers."""
    kind: ClassVar[str] = "in_force"

    def ready(self, bound):
        return True


KINDS: dict[str, type[Cond]] = {c.kind: c for c in (Pos, Neg, Cmp, Agg, InForce)}


@dataclass
class Clause:
    index: int
    rule: Rule
    number: int
    head: tuple                  # template of the head atom (wfikb.terms)
    conds: list[Cond]            # in evaluation order (in_force first, then a safe order)
    variables: list[str]         # order of the recorded tuple
    scoped: bool                 # head's first argument is the scenario variable S
    is_fact: bool
    line: int

    @property
    def s_position(self) -> int:
        """Where S sits in the recorded tuple of variables."""
        return self.variables.index(SCENARIO_VAR)

    @property
    def signature(self) -> tuple[str, int]:
        return (self.head[1], len(self.head[2]))


@dataclass
class Constraint:
    """A headless rule `:- B.`: circumstances that cannot hold together (policy/core/consistency.lp)."""
    index: int
    rule: Rule
    variables: list[str]         # order of the recorded tuple
    line: int

    @property
    def s_position(self) -> int:
        return self.variables.index(SCENARIO_VAR)


# ------------------------------------------------------------------ plain data (the cache's format)
def rule_to_plain(r: Rule) -> list:
    return [r.id, r.cite, r.text, r.file, r.line, list(r.window) if r.window else None]


def rule_from_plain(x: list) -> Rule:
    rid, cite, text, file, line, window = x
    return Rule(rid, cite, text, file, line, tuple(window) if window else None)


def clause_to_plain(c: Clause) -> list:
    conds = [[d.kind, d.node, sorted(d.variables), d.source, d.assigns] for d in c.conds]
    return [c.rule.id, c.number, c.head, conds, c.variables, c.scoped, c.is_fact, c.line]


def clause_from_plain(index: int, x: list, rules: dict[str, Rule]) -> Clause:
    rid, number, head, conds, variables, scoped, is_fact, line = x
    out = []
    for kind, node, names, source, assigns in conds:
        cls = KINDS[kind]
        node = node if isinstance(node, str) else _tuples(node)
        cond = cls(node, frozenset(names), source, assigns) if cls is Cmp else cls(node, frozenset(names), source)
        out.append(cond)
    clause = Clause(index, rules[rid], number, _tuples(head), out, list(variables), bool(scoped), bool(is_fact), line)
    rules[rid].clauses.append(clause)
    return clause


def _tuples(x):
    """JSON gives lists; templates are tuples all the way down."""
    return tuple([_tuples(a) if a.__class__ is list else a for a in x]) if x.__class__ is list else x


def constraint_to_plain(c: Constraint) -> list:
    return [c.rule.id, c.variables, c.line]


def constraint_from_plain(index: int, x: list, rules: dict[str, Rule]) -> Constraint:
    rid, variables, line = x
    return Constraint(index, rules[rid], list(variables), line)
