"""Explanation trees, assembled from what the solver recorded.

For every rule instance that fired, the model holds `_fired(K, (V1..Vn))`: the clause and the
values of its variables. `Derivation.tree(atom)` picks the recorded instance whose head is the atom
and rebuilds its conditions from those values: positive conditions (explained in turn, down to the
scenario's own facts), "no evidence that …" conditions and comparisons. Nothing is re-derived.

`Derivation.why_not(atom)` answers for an atom that does not hold: every clause whose head could
produce it, the conditions that held, and the first that failed (missing, blocked by an exception
that does hold — itself explained — a comparison that is false, or a rule not in force on the date).
It tests conditions against the model the solver produced, in the rule's own order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from clingo import Number, Symbol, SymbolType

from wfikb import texts
from wfikb.loader import Clause, Cond, Policy
from wfikb.terms import ANY, compare, instantiate, match, show_value

MAX_WHY_NOT_DEPTH = 4
MAX_BINDINGS = 64


@dataclass
class Node:
    atom: str
    text: str
    kind: str                        # derived | scenario | policy | not | comparison | in_force | aggregate
    rule: str | None = None
    citation: str | None = None
    key: str | None = None           # scenario key of a scenario fact
    children: list["Node"] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = {"atom": self.atom, "text": self.text, "kind": self.kind}
        if self.rule:
            d["rule"] = self.rule
            d["citation"] = self.citation
        if self.key:
            d["key"] = self.key
        d["because"] = [c.to_dict() for c in self.children]
        return d

    def rule_ids(self) -> list[str]:
        """Rule ids in the order of the explanation (pre-order), each once."""
        seen: dict[str, None] = {}
        stack = [self]
        while stack:
            n = stack.pop()
            if n.rule and n.kind in ("derived", "policy"):
                seen.setdefault(n.rule)
            stack.extend(reversed(n.children))
        return list(seen)


@dataclass
class Attempt:
    """One clause that could have derived the atom, and how far it got."""
    clause: Clause
    held: list[Node]
    failed: Node | None              # the condition that failed (None: could not be decided)
    reason: str                      # missing | blocked | comparison | not_in_force | unchecked
    deeper: list["WhyNot"] = field(default_factory=list)
    env: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The rule's text with what the head fixes filled in."""
        return texts.fill(self.clause.rule.text, self.env)

    def to_dict(self) -> dict:
        r = self.clause.rule
        return {"rule": r.id, "citation": r.cite, "text": self.text, "in_force": r.window_text,
                "held": [h.to_dict() for h in self.held], "reason": self.reason,
                "failed": self.failed.to_dict() if self.failed else None,
                "why_not": [w.to_dict() for w in self.deeper]}


@dataclass
class WhyNot:
    atom: str
    holds: bool
    text: str
    attempts: list[Attempt] = field(default_factory=list)
    tree: Node | None = None

    def to_dict(self) -> dict:
        d = {"conclusion": self.atom, "holds": self.holds, "text": self.text}
        if self.tree:
            d["tree"] = self.tree.to_dict()
        d["candidates"] = [a.to_dict() for a in self.attempts]
        return d


class Derivation:
    """One scenario's model: its atoms, the recorded rule instances, and explanations on demand."""

    def __init__(self, policy: Policy, s: int, inputs: list[Symbol], fired: list[tuple[int, Symbol]],
                 shared: "Shared"):
        self.policy, self.s, self.shared = policy, Number(s), shared
        self.inputs = frozenset(inputs)
        self._fired = fired
        self._atoms: frozenset[Symbol] | None = None
        self._by_head: dict[Symbol, list[tuple[Clause, dict]]] | None = None
        self._by_pred: dict[tuple[str, int], list[Symbol]] | None = None
        self._trees: dict[Symbol, Node] = {}

    # -------------------------------------------------------------- lookup
    @property
    def atoms(self) -> frozenset[Symbol]:
        """The scenario's facts and every atom a recorded rule instance derived for it."""
        if self._atoms is None:
            self._atoms = self.inputs | frozenset(self._index())
        return self._atoms

    def holds(self, sym: Symbol) -> bool:
        return sym in self.atoms or sym in self.shared.atoms

    def own_instances(self) -> Iterator[tuple[Clause, dict]]:
        """Every rule instance the solver recorded for this scenario: its clause and variable values."""
        return _instances(self.policy, self._fired)

    def _index(self) -> dict[Symbol, list[tuple[Clause, dict]]]:
        """This scenario's derived atoms -> the recorded instances that derived them."""
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
                self._by_pred.setdefault((sym.name, len(sym.arguments)), []).append(sym)
        return self._by_head

    def candidates(self, sym: Symbol) -> list[tuple[Clause, dict]] | None:
        return self._index().get(sym) or self.shared.index().get(sym)

    def atoms_of(self, sig: tuple[str, int]) -> list[Symbol]:
        """Atoms of one predicate that hold for this scenario (its own, then shared ones)."""
        self._index()
        return self._by_pred.get(sig, []) + self.shared.atoms_of(sig)

    # -------------------------------------------------------------- why
    def tree(self, sym: Symbol, _path: frozenset = frozenset()) -> Node:
        if sym in self._trees:
            return self._trees[sym]
        sig = (sym.name, len(sym.arguments)) if sym.type == SymbolType.Function else None
        if sig and texts.is_input(sig) and sym in self.inputs:
            text, key = texts.input_text(sym)
            node = Node(self.show(sym), text, "scenario", key=key or None)
        elif sym in self.policy.fact_index:
            c = self.policy.fact_index[sym]
            node = Node(self.show(sym), texts.fill(c.rule.text, match(c.head, sym, {}) or {}), "policy",
                        c.rule.id, c.rule.cite)
        else:
            candidates = self.candidates(sym)
            if not candidates or sym in _path:
                # Holds without a recorded instance only for policy facts written with pools or intervals.
                text = self.pred_text(sym) if self.holds(sym) else f"not derived: {self.show(sym)}"
                node = Node(self.show(sym), text, "policy" if self.holds(sym) else "missing")
            else:
                c, env = candidates[0] if len(candidates) == 1 else \
                    min(candidates, key=lambda ce: (ce[0].index, str(sorted(ce[1].items()))))
                node = self._instance_node(sym, c, env, _path | {sym})
        self._trees[sym] = node
        return node

    def _instance_node(self, sym, c: Clause, env: dict, path) -> Node:
        children = [self._held_node(cond, env, c, path) for cond in c.conds]
        return Node(self.show(sym), texts.fill(c.rule.text, env), "derived", c.rule.id, c.rule.cite,
                    children=children)

    # -------------------------------------------------------------- why not
    def why_not(self, sym: Symbol, depth: int = 0, seen: set | None = None) -> WhyNot:
        seen = set() if seen is None else seen
        seen.add(sym)
        if self.holds(sym):
            return WhyNot(self.show(sym), True, f"{self.show(sym)} holds", tree=self.tree(sym))
        sig = (sym.name, len(sym.arguments))
        if texts.is_input(sig):
            return WhyNot(self.show(sym), False, f"the scenario does not state that {self.pred_text(sym)}")
        attempts = []
        for c in self.policy.by_head.get(sig, []):
            env = match(c.head, sym, {})
            if env is None:
                continue
            attempt = self._attempt(c, env, depth, seen)
            attempt.env = env
            attempts.append(attempt)
        text = (f"no rule in the policy can conclude {self.show(sym)}" if not attempts else
                f"{self.show(sym)} does not hold: no rule that could conclude it has all its conditions met")
        return WhyNot(self.show(sym), False, text, attempts)

    def _attempt(self, c: Clause, env: dict, depth: int, seen: set) -> Attempt:
        envs = [env]
        held: list[Node] = []
        for cond in c.conds:
            nxt, blocked = [], None
            for e in envs:
                if cond.kind == "pos":
                    for a in self._sorted_atoms(cond.node) if cond.node[0] == "f" else []:
                        m = match(cond.node, a, e)
                        if m is not None:
                            nxt.append(m)
                elif cond.kind == "neg":
                    hits = [a for a in self._sorted_atoms(cond.node) if match(cond.node, a, e) is not None]
                    if hits:
                        blocked = blocked or (hits[0], e)
                    else:
                        nxt.append(e)
                elif cond.kind == "cmp":
                    r = compare(cond.node, e, cond.assigns)
                    if r is not None:
                        nxt.append(r)
                elif cond.kind == "in_force":
                    f, t = cond.node
                    today = self.atoms_of(("today", 2))
                    d = today[0].arguments[1].number if today else 0
                    if f <= d <= t:
                        nxt.append(e)
                else:
                    nxt.append(e)   # aggregates are not re-checked here
                if len(nxt) >= MAX_BINDINGS:
                    break
            if not nxt:
                e = envs[0]
                return self._failure(c, cond, e, held, blocked, depth, seen)
            envs = nxt
            held.append(self._held_node(cond, envs[0], c))
        return Attempt(c, held, None, "unchecked")

    def _sorted_atoms(self, template: tuple) -> list[Symbol]:
        return sorted(self.atoms_of((template[1], len(template[2]))), key=str)

    def _held_node(self, cond: Cond, env: dict, c: Clause, path: frozenset = frozenset()) -> Node:
        """A condition of clause c that holds under env, as a node of the explanation."""
        if cond.kind == "pos":
            return self.tree(instantiate(cond.node, env), path)
        if cond.kind == "neg":
            atom = instantiate(cond.node, env, wildcard=True)
            return Node(f"not {self.show(atom)}", f"no evidence that {self.pred_text(atom)}", "not")
        if cond.kind == "cmp":
            shown = _comparison_values(cond.node, env)
            return Node(shown, f"{shown} ({cond.source})", "comparison")
        if cond.kind == "in_force":
            return Node(f"in force {c.rule.window_text}",
                        f"the rule is in force on the scenario date ({c.rule.window_text})", "in_force")
        return Node(cond.source, "aggregate condition held", "aggregate")

    def _failure(self, c, cond, env, held, blocked, depth, seen) -> Attempt:
        if cond.kind == "in_force":
            node = Node("not in force", f"the rule is not in force on the scenario date (in force {c.rule.window_text})",
                        "in_force")
            return Attempt(c, held, node, "not_in_force")
        if cond.kind == "cmp":
            shown = _comparison_values(cond.node, env)
            return Attempt(c, held, Node(shown, f"false: {shown} ({cond.source})", "comparison"), "comparison")
        if cond.kind == "neg":
            atom, _ = blocked
            node = Node(f"not {self.show(atom)}", f"an exception applies: {self.pred_text(atom)}", "not",
                        children=[self.tree(atom)])
            return Attempt(c, held, node, "blocked")
        # a positive condition no atom of the model matches
        try:
            atom = instantiate(cond.node, env)
        except KeyError:
            pattern = _show_pattern(cond.node, env)
            return Attempt(c, held, Node(pattern, f"nothing in the scenario or the policy matches {pattern}",
                                         "missing"), "missing")
        node = Node(self.show(atom), f"not shown: {self.pred_text(atom)}", "missing")
        deeper = []
        if depth + 1 < MAX_WHY_NOT_DEPTH and atom not in seen:
            deeper.append(self.why_not(atom, depth + 1, seen))
        return Attempt(c, held, node, "missing", deeper)

    # -------------------------------------------------------------- words
    def show(self, sym: Symbol) -> str:
        if sym.type == SymbolType.Function and (sym.name, len(sym.arguments)) in texts.OUTPUTS:
            return texts.conclusion_name(sym)
        if sym.type == SymbolType.Function and sym.arguments and sym.arguments[0] == self.s:
            return texts.strip_scenario(sym)
        return str(sym)

    def pred_text(self, sym: Symbol) -> str:
        sig = (sym.name, len(sym.arguments)) if sym.type == SymbolType.Function else None
        if sig and texts.is_input(sig) and ANY not in sym.arguments:
            try:
                return texts.input_text(sym)[0]
            except (KeyError, IndexError, AttributeError):
                pass
        template = self.policy.pred_texts.get(sig) if sig else None
        if template:
            return texts.fill(template, list(sym.arguments))
        return self.show(sym)


class Shared:
    """Atoms and rule instances that belong to no scenario (policy facts and scenario-free rules)."""

    def __init__(self, policy: Policy, fired: list[tuple[int, Symbol]]):
        self.policy, self._fired = policy, fired
        self._by_head: dict | None = None
        self._by_pred: dict | None = None
        self._atoms: frozenset[Symbol] | None = None

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


def _instances(policy: Policy, fired: list[tuple[int, Symbol]]) -> Iterator[tuple[Clause, dict]]:
    clauses = policy.clauses
    for idx, values in fired:
        c = clauses[idx]
        yield c, dict(zip(c.variables, values.arguments))


# ------------------------------------------------------------------------ showing conditions
def _comparison_values(cmp: tuple, env: dict) -> str:
    """A comparison with the values in place; YYYYMMDD integers shown as dates."""
    left, guards = cmp
    values = [show_value(left, env)] + [show_value(r, env) for _, r in guards]
    if all(_looks_like_date(v) for v in values):
        values = [texts.fmt(Number(int(v)), "date") for v in values]
    parts = [values[0]]
    for (op, _), v in zip(guards, values[1:]):
        parts += [op, v]
    return " ".join(parts)


def _looks_like_date(text: str) -> bool:
    return text.isdigit() and len(text) == 8 and 19000101 <= int(text) <= 99991231 and 1 <= int(text[4:6]) <= 12


def _show_pattern(t: tuple, env: dict) -> str:
    """A condition some of whose variables nothing could bind, without the scenario argument."""
    args = list(t[2])
    if args and args[0] == ("v", "S"):
        args = args[1:]
    shown = [show_value(a, env) for a in args]
    return f"{t[1]}({','.join(shown)})" if shown else t[1]
