"""Explanation trees, assembled from what the solver recorded (read through `wfikb.model.Model`).

For every rule instance that fired, the model holds the clause and the values of its variables.
`Derivation.tree(atom)` picks the recorded instance whose head is the atom and rebuilds its
conditions from those values: positive conditions (explained in turn, down to the scenario's own
facts), "no evidence that …" conditions and comparisons. Nothing is re-derived. Each atom's node is
built once, on first request, and shared by every tree that uses it. A parameter lookup is one leaf
built from the `param/4` fact in force; an equality that only carries a value is not shown; an
enum value in a rule's text reads as the vocabulary's words.

`Derivation.why_not(atom)` answers for an atom that does not hold: every clause whose head could
produce it, the conditions that held, and the first that failed (missing, blocked by an exception
that does hold — itself explained — a comparison that is false, or a rule not in force on the date).
It tests conditions against the model the solver produced, in the rule's own order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from clingo import Function, Number, String, Symbol, SymbolType

from wfikb import texts
from wfikb.model import Model, Param, conclusion_name, is_output, output_words
from wfikb.loader import FOREVER, Clause, Cond
from wfikb.symbols import args, signature, text
from wfikb.terms import ANY, compare, instantiate, match, show_operands, show_value

PARAM_LOOKUP = ("p", 3)
WINDOW_LOOKUP = ("in_force", 2)

MAX_WHY_NOT_DEPTH = 4
MAX_BINDINGS = 64


@dataclass(eq=False)
class Node:
    atom: str
    text: str
    kind: str                        # derived | scenario | policy | parameter | not | comparison | in_force | aggregate
    rule: str | None = None
    citation: str | None = None
    key: str | None = None           # scenario key of a scenario fact
    children: list["Node"] = field(default_factory=list)

    @property
    def ident(self) -> tuple:
        """Two nodes with the same ident say the same thing (a derived node's children follow from it)."""
        return (self.kind, self.atom, self.rule, self.text)

    def header(self) -> dict:
        d = {"atom": self.atom, "text": self.text, "kind": self.kind}
        if self.rule:
            d["rule"] = self.rule
            d["citation"] = self.citation
        if self.key:
            d["key"] = self.key
        return d

    def rule_ids(self) -> list[str]:
        """Rule ids in the order of the explanation (pre-order), each once."""
        seen: dict[str, None] = {}
        done: set[int] = set()
        stack = [self]
        while stack:
            n = stack.pop()
            if id(n) in done:
                continue
            done.add(id(n))
            if n.rule and n.kind in ("derived", "policy", "parameter"):
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

    def to_dict(self, fold: "Fold") -> dict:
        r = self.clause.rule
        return {"rule": r.id, "citation": r.cite, "text": self.text, "in_force": r.window_text,
                "held": [fold.entry(h) for h in self.held], "reason": self.reason,
                "failed": fold.entry(self.failed) if self.failed else None,
                "why_not": [w.to_dict(fold) for w in self.deeper]}


@dataclass
class WhyNot:
    atom: str
    holds: bool
    text: str
    attempts: list[Attempt] = field(default_factory=list)
    tree: Node | None = None

    def to_dict(self, fold: "Fold | None" = None) -> dict:
        from wfikb.graph import Fold
        fold = fold or Fold()
        d = {"conclusion": self.atom, "holds": self.holds, "text": self.text}
        if self.tree:
            d["tree"] = fold.entry(self.tree)
        d["candidates"] = [a.to_dict(fold) for a in self.attempts]
        return d


class Derivation:
    """Explanations on demand for one scenario's model: trees (built lazily, each node once) and why-nots."""

    def __init__(self, model: Model):
        self.model, self.policy, self.s = model, model.policy, model.s
        self._trees: dict[Symbol, Node] = {}

    # The model's queries, for callers that hold an explainer.
    def holds(self, sym: Symbol) -> bool:
        return self.model.holds(sym)

    def atoms_of(self, sig: tuple[str, int]) -> list[Symbol]:
        return self.model.atoms_of(sig)

    def own_instances(self):
        return self.model.own_instances()

    @property
    def shared(self):
        return self.model.shared

    # -------------------------------------------------------------- why
    def tree(self, sym: Symbol, _path: frozenset = frozenset()) -> Node:
        if sym in self._trees:
            return self._trees[sym]
        sig = signature(sym)
        if sig and texts.is_input(sig) and sym in self.model.inputs:
            text, key = texts.input_text(sym)
            node = Node(self.show(sym), text, "scenario", key=key or None)
        elif sig == PARAM_LOOKUP and (prm := self.model.param(*args(sym)[1:])) is not None:
            node = self._param_node(sym, prm)
        elif sym in self.policy.fact_index:
            c = self.policy.fact_index[sym]
            node = Node(self.show(sym), texts.fill(c.rule.text, match(c.head, sym, {}) or {}), "policy",
                        c.rule.id, c.rule.cite)
        else:
            candidates = self.model.candidates(sym)
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
        children = [self._held_node(cond, env, c, path) for cond in c.conds if not _carries_value(cond)]
        return Node(self.show(sym), texts.fill(c.rule.text, self._words(c, env)), "derived", c.rule.id,
                    c.rule.cite, children=children)

    def _param_node(self, sym: Symbol, prm: Param) -> Node:
        """A parameter lookup as one leaf: the `param/4` fact in force, its value, window and citation."""
        window = (f"in force from {texts.fmt(Number(prm.start), 'date')}" if prm.end == FOREVER else
                  f"in force from {texts.fmt(Number(prm.start), 'date')} to {texts.fmt(Number(prm.end), 'date')}")
        c = prm.clause
        said = texts.fill(c.rule.text, match(c.head, _param_fact(prm), {}) or {}).rstrip(". ") if c else ""
        text = f"{prm.name} is {texts.fmt(prm.value)} on this date, {window}"
        return Node(self.show(sym), f"{said} ({text})" if said else text, "parameter",
                    c.rule.id if c else None, c.rule.cite if c else None)

    def _window(self, name: Symbol) -> tuple[Symbol, Clause | None] | None:
        """The `window/3` fact declaring the named commencement window, and its annotated clause."""
        for w in self.model.atoms_of(("window", 3)):
            if w.arguments[0] == name:
                return w, self.policy.fact_index.get(w)
        return None

    def _window_node(self, sym: Symbol, window: tuple, held: bool) -> Node:
        """A commencement window as one leaf: what it brings in, from when, and whether it applies on
        the scenario date (in its own words, never the window's identifier)."""
        fact, c = window
        f, t = fact.arguments[1].number, fact.arguments[2].number
        span = (f"from {texts.fmt(Number(f), 'date')}" if t == FOREVER else
                f"from {texts.fmt(Number(f), 'date')} to {texts.fmt(Number(t), 'date')}")
        said = c.rule.text.rstrip(". ") if c else f"{fact.arguments[0]} ({span})"
        text = (f"in force on this date: {said}" if held else f"not in force on this date: {said}")
        return Node(self.show(sym) if held else f"not {self.show(sym)}", text, "in_force" if held else "not",
                    c.rule.id if c else None, c.rule.cite if c else None)

    def _words(self, c: Clause, env: dict) -> dict:
        """The instance's values, with an enum value read as the vocabulary's words: the meaning the
        scenario fact that bound it gives, else the value's one meaning across the vocabulary."""
        shown = {v: String(w) for v, x in env.items() if (w := texts.enum_word(x))}
        shown = {**env, **shown} if shown else env
        for cond in c.conds:
            if cond.kind != "pos" or cond.node[0] != "f" or len(cond.node[2]) != 2 or cond.node[2][1][0] != "v":
                continue
            var = cond.node[2][1][1]
            value = env.get(var)
            word = texts.enum_meaning((cond.node[1], 2), value) if value is not None else None
            if word:
                shown = {**shown, var: String(word)}
        for cond in c.conds:    # a regime or status the rule reads: in the words of wfikb/model.py
            if cond.kind != "pos" or cond.node[0] != "f" or not (out := output_words((cond.node[1], len(cond.node[2])))):
                continue
            pos, words = out
            arg = cond.node[2][pos]
            value = env.get(arg[1]) if arg[0] == "v" else None
            if value is not None and value.type == SymbolType.Function and value.name in words:
                shown = {**shown, arg[1]: String(words[value.name])}
        return shown

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
            if not _carries_value(cond):
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
            if (atom.name, len(atom.arguments)) == WINDOW_LOOKUP and (w := self._window(atom.arguments[1])):
                return self._window_node(atom, w, held=False)
            return Node(f"not {self.show(atom)}", f"no evidence that {self.pred_text(atom)}", "not")
        if cond.kind == "cmp":
            left, guards = cond.node
            if cond.assigns and len(guards) == 1 and guards[0][1][0] == "b":
                # A computed value: show how it was computed, not "X = X" with the result twice.
                shown = f"{show_value(left, env)} = {show_operands(guards[0][1], env)}"
            else:
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
        if is_output(sym):
            return conclusion_name(sym)
        a = args(sym)
        if a and a[0] == self.s:
            return texts.strip_scenario(sym)
        return text(sym)

    def pred_text(self, sym: Symbol) -> str:
        sig = signature(sym)
        if sig and texts.is_input(sig) and ANY not in args(sym):
            try:
                return texts.input_text(sym)[0]
            except (KeyError, IndexError, AttributeError):
                pass
        template = self.policy.pred_texts.get(sig) if sig else None
        if template:
            return texts.fill(template, list(args(sym)))
        return self.show(sym)


def _param_fact(prm: Param) -> Symbol:
    return Function("param", [prm.name, prm.value, Number(prm.start), Number(prm.end)])


def _carries_value(cond: Cond) -> bool:
    """An equality that is no condition of its own: `V = constant` only carries a value into the text
    (the literal that bound V already shows it), `A = P` between two variables is a join whose two
    literals show the value, and `c = c` compares a constant with itself. An equality with arithmetic
    (`N = K * 7`) stays: it shows how a value was computed."""
    if cond.kind != "cmp":
        return False
    left, guards = cond.node
    if len(guards) != 1 or guards[0][0] != "=":
        return False
    right = guards[0][1]
    plain = [t[0] == "v" or not _has_vars(t) and t[0] != "b" and t[0] != "u" for t in (left, right)]
    if not all(plain):
        return False
    if left[0] != "v" and right[0] != "v":
        return left == right
    return True


def _has_vars(t: tuple) -> bool:
    if t[0] == "v":
        return True
    if t[0] == "f":
        return any(_has_vars(a) for a in t[2])
    if t[0] == "b":
        return _has_vars(t[2]) or _has_vars(t[3])
    if t[0] == "u":
        return _has_vars(t[2])
    return t[0] == "other"


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
