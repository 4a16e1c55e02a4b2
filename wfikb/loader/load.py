"""`Policy`: the policy files read, checked, annotated and rewritten into the program the engine runs.

Each file's statements (`source`) are matched to their annotation blocks (`annotations`); each rule
becomes a `Clause` with typed conditions (`policy`) and is rewritten to record its firing
(`rewrite`). A loaded policy is plain data, kept between runs by `cache`. Authoring rules:
docs/authoring.md.
"""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
from pathlib import Path

import clingo
from clingo.ast import ASTType

from wfikb import terms
from wfikb.errors import PolicyError
from wfikb.loader import annotations, cache, source
from wfikb.loader.conditions import body, condition, leaf_ids, named_window, rule_file  # noqa: F401
from wfikb.loader.params import clip, iso, param_fact, param_overrides, with_window
from wfikb.loader.policy import (FOREVER, SCENARIO_VAR, Clause, Cond, Constraint, InForce, Rule, clause_from_plain,
                                 clause_to_plain, constraint_from_plain, constraint_to_plain, rule_from_plain,
                                 rule_to_plain)
from wfikb.loader.rewrite import (InForceGuard, NameAnonymous, RecordFiring, RecordViolation, is_constraint,
                                  recorded_variables, safe_order, variables)
from wfikb.loader.roots import CORE_CHECKS, default_policy_dir, with_core_checks  # noqa: F401

# Former names, kept for the modules and tests that import them from here.
_condition = condition

class Policy:
    """The parsed, annotated and rewritten policy, loaded once and shared by every evaluation."""

    def __init__(self, files: list[tuple[str, str]]):
        self.files = [name for name, _ in files]
        self.rules: dict[str, Rule] = {}
        self.clauses: list[Clause] = []
        self.constraints: list[Constraint] = []      # headless rules (policy/core/consistency.lp)
        self.constraint_program: list[str] = []      # each as written, for the unsatisfiable-core solve
        self.pred_texts: dict[tuple[str, int], str] = {}
        self.windows: set[tuple[int, int]] = set()
        # An overlay switches a rule off by id ("% @disable ID"), wherever the rule is defined.
        self.disabled_by: dict[str, str] = annotations.disabled_ids(files)
        self.disabled: dict[str, Rule] = {}
        self._window_refs: list = []   # (rule, InForce or None for "not in_force", window name, where)
        self.leaf_clauses: list[int] = []      # clauses of `@leaf` rules: not recorded (see _add_leaf)
        self._leaf_ids: set[str] = set()
        program: list = []
        plain: list = []          # the rules as written (with their in-force guard), for benchmarks
        digest = hashlib.sha256()
        read = []
        for name, text in files:
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + text.encode("utf-8", "surrogateescape")
                          + b"\0")
            read.append(self._read_file(name, text))
            self._leaf_ids |= leaf_ids(text, read[-1][1])
        overrides = param_overrides(read, self.disabled_by)
        for i, (name, blocks, statements) in enumerate(read):
            self._load_file(name, blocks, statements, program, plain, overrides, i)
        self.digest = digest.hexdigest()
        self._resolve_windows()
        self._check_leaves()
        for rid, where in self.disabled_by.items():
            if rid not in self.rules:
                raise PolicyError(f"{where}: @disable {rid}: no rule with that id")
            self.disabled[rid] = self.rules.pop(rid)
        annotations.check_texts(self.rules)
        annotations.resolve_as(self.rules)
        internal = InForceGuard.support(self.windows)
        # The rewritten program travels as text (clingo parses it much faster than Python builds AST),
        # so a loaded policy holds no clingo objects and can be cached between runs.
        self.program_text = "\n".join(map(str, program + internal)) + "\n"
        self.plain_program_text = "\n".join(map(str, plain + internal)) + "\n"
        self._index()

    def _index(self):
        self.by_head: dict[tuple[str, int], list[Clause]] = {}
        for c in self.clauses:
            self.by_head.setdefault(c.signature, []).append(c)
        self.s_positions = [c.s_position if c.scoped and not c.is_fact else -1 for c in self.clauses]
        self._fact_index: dict | None = None
        # A leaf's atoms are computed by the model (wfikb.model), its conditions in forward order.
        self.leaves: dict[tuple[str, int], list[tuple[Clause, list[Cond]]]] = {}
        for k in self.leaf_clauses:
            c = self.clauses[k]
            self.leaves.setdefault(c.signature, []).append((c, safe_order(list(c.conds), set())))

    @property
    def fact_index(self) -> dict[clingo.Symbol, Clause]:
        """Each ground policy fact -> its clause (facts with intervals or pools are left out)."""
        if self._fact_index is None:
            self._fact_index = {}
            for c in self.clauses:
                if c.is_fact:
                    try:
                        self._fact_index[terms.instantiate(c.head, {})] = c
                    except KeyError:
                        pass
        return self._fact_index

    @property
    def version(self) -> str:
        from wfikb import __version__
        return f"wfikb-{__version__}+{self.digest[:12]}"

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, roots: list[Path] | None = None) -> "Policy":
        """Read the policy folders (and overlays, in order); a cached copy is used when nothing changed."""
        return cls.from_files(with_core_checks(source.read_roots(roots or [default_policy_dir()])))

    @classmethod
    def from_files(cls, files: list[tuple[str, str]]) -> "Policy":
        # Reading makes many small objects that all live on: the garbage collector would only
        # walk them (a tenth of a second at times), so it waits until they are read.
        enabled = gc.isenabled()
        gc.disable()
        try:
            data = cache.read(files)
            if data is not None:
                try:
                    return cls.from_plain(data)
                except Exception:  # an entry from an older layout is rebuilt, never trusted
                    pass
        finally:
            if enabled:
                gc.enable()
        policy = cls(files)
        cache.write(files, policy.to_plain())
        return policy

    def to_plain(self) -> dict:
        """The policy as plain data (lists, strings, numbers): the cache's format."""
        return {"files": self.files, "digest": self.digest,
                "rules": [rule_to_plain(r) for r in self.rules.values()],
                "disabled": [rule_to_plain(r) for r in self.disabled.values()],
                "disabled_by": self.disabled_by,
                "clauses": [clause_to_plain(c) for c in self.clauses],
                "constraints": [constraint_to_plain(c) for c in self.constraints],
                "constraint_program": self.constraint_program,
                "pred_texts": [[n, a, t] for (n, a), t in self.pred_texts.items()],
                "windows": sorted(self.windows), "leaf_clauses": self.leaf_clauses,
                "program_text": self.program_text, "plain_program_text": self.plain_program_text}

    @classmethod
    def from_plain(cls, data: dict) -> "Policy":
        self = cls.__new__(cls)
        self.files = list(data["files"])
        self.digest = data["digest"]
        self.rules = {r.id: r for r in map(rule_from_plain, data["rules"])}
        self.disabled = {r.id: r for r in map(rule_from_plain, data["disabled"])}
        self.disabled_by = dict(data["disabled_by"])
        self.clauses = [clause_from_plain(i, x, self.rules) for i, x in enumerate(data["clauses"])]
        self.constraints = [constraint_from_plain(i, x, self.rules) for i, x in enumerate(data["constraints"])]
        self.constraint_program = list(data["constraint_program"])
        self.pred_texts = {(n, a): t for n, a, t in data["pred_texts"]}
        self.windows = {(f, t) for f, t in data["windows"]}
        self.leaf_clauses = list(data["leaf_clauses"])
        self.program_text = data["program_text"]
        self.plain_program_text = data["plain_program_text"]
        self._index()
        return self

    def _read_file(self, name: str, text: str):
        """(name, annotation blocks, statements each with its rule), every statement covered."""
        blocks = annotations.read(name, text, self.rules, self.pred_texts)
        statements = []
        for st in source.parse(name, text):
            line = st.location.begin.line
            rule = annotations.covering(blocks, line)
            if rule is None:
                raise PolicyError(f"{name}:{line}: statement has no @rule annotation above it")
            statements.append((rule, st))
        return name, blocks, statements

    def _load_file(self, name: str, blocks, statements, program: list, plain: list, overrides: dict, index: int):
        for rule, st in statements:
            if rule.id in self.disabled_by:
                continue
            line = st.location.begin.line
            fact = None if st.body else param_fact(st)
            later = [(f, t) for f, t, i in overrides.get(fact[0], ()) if i > index] if fact else []
            if is_constraint(st):
                self._add_constraint(rule, st, f"{name}:{line}", line, program)
                continue
            if not later:
                self._add_clause(rule, st, f"{name}:{line}", line, program, plain)
                continue
            for f, t in clip((fact[2], fact[3]), later):
                self._add_clause(rule, with_window(st, f, t), f"{name}:{line}", line, program, plain)

    def _add_constraint(self, rule: Rule, st, where: str, line: int, program: list):
        """A headless rule `:- B.` is recorded (`RecordViolation`) so a batch with a contradictory
        scenario still solves and the engine names the constraint and the scenario; the constraint
        as written is kept for the unsatisfiable-core solve (wfikb/engine.py)."""
        body = list(st.body)
        for lit in body:
            if lit.ast_type != ASTType.Literal or lit.sign == 2 or lit.atom.ast_type not in (
                    ASTType.SymbolicAtom, ASTType.Comparison):
                raise PolicyError(f"{where}: rule {rule.id}: a constraint's body takes atoms, 'not' atoms and comparisons")
        names = sorted(set().union(*(variables(lit) for lit in body)) - {"_"}) if body else []
        if SCENARIO_VAR not in names:
            raise PolicyError(f"{where}: rule {rule.id}: a constraint must be about one scenario (use the variable S)")
        missing = sorted(set(annotations.PLACEHOLDER.findall(rule.text)) - set(names))
        if missing:
            raise PolicyError(f"{where}: rule {rule.id}: @text uses {{{missing[0]}}}, which is not a variable of this clause")
        if rule.window:
            self.windows.add(rule.window)
            st = InForceGuard(rule.window)(st)
        c = Constraint(len(self.constraints), rule, names, line)
        self.constraints.append(c)
        program.append(RecordViolation(c.index, names)(st))
        self.constraint_program.append(str(st))

    def _add_clause(self, rule: Rule, st, where: str, line: int, program: list, plain: list):
        head = st.head
        if head.ast_type != ASTType.Literal or head.sign != 0 or head.atom.ast_type != ASTType.SymbolicAtom:
            raise PolicyError(f"{where}: rule {rule.id}: the head must be one atom (no choice, disjunction or constraint)")
        head_term = head.atom.symbol
        if head_term.ast_type != ASTType.Function:
            raise PolicyError(f"{where}: rule {rule.id}: the head must be an atom")
        scoped = bool(head_term.arguments) and head_term.arguments[0].ast_type == ASTType.Variable \
            and head_term.arguments[0].name == SCENARIO_VAR
        if rule.window and not scoped:
            raise PolicyError(f"{where}: rule {rule.id}: @in_force needs a head whose first argument is S")
        number = len(rule.clauses) + 1
        if not st.body:
            if rule.window:
                raise PolicyError(f"{where}: rule {rule.id}: a fact cannot have @in_force; give it a body")
            self._add(Clause(len(self.clauses), rule, number, terms.from_ast(head_term), [], [], scoped, True, line))
            program.append(st)
            plain.append(st)
            return
        st = NameAnonymous()(st.update(body=body(st.body, f"{where}: rule {rule.id}")))
        conds = [condition(lit) for lit in st.body]
        for i, lit in enumerate(st.body):   # in_force(S, Name): the window is the named window(Name, F, T) fact
            name = named_window(lit.atom.symbol) if lit.atom.ast_type == ASTType.SymbolicAtom else None
            if name:
                if lit.sign == 0:
                    conds[i] = InForce(None, frozenset({SCENARIO_VAR}), str(lit.atom.symbol))
                self._window_refs.append((rule, conds[i] if lit.sign == 0 else None, name, where))
        if rule.window:
            self.windows.add(rule.window)
            st = InForceGuard(rule.window)(st)
            conds.insert(0, InForce(rule.window, frozenset({SCENARIO_VAR}), "in force"))
        try:
            conds = safe_order(conds, variables(head_term) if scoped else set())
        except ValueError as e:
            raise PolicyError(f"{where}: rule {rule.id}: {e}") from None
        names = recorded_variables(st)
        clause = Clause(len(self.clauses), rule, number, terms.from_ast(head_term), conds, names, scoped, False, line)
        self._add(clause)
        plain.append(st)
        if rule.id in self._leaf_ids:
            self._add_leaf(clause, where)
            program.append(st)
        else:
            program.extend(RecordFiring(clause.index, names)(st))

    def _add_leaf(self, clause: Clause, where: str):
        """A `@leaf` rule (a lookup such as p/3 or in_force/2) goes into the program as written, not
        recorded: the model computes its atoms and instances from the scenario's facts and the policy's
        facts (`wfikb.model.Model`), which costs nothing unless asked. So its body may hold only positive
        atoms and comparisons, its head must be about one scenario, and it has no @in_force window."""
        rule = clause.rule
        if not clause.scoped or rule.window:
            raise PolicyError(f"{where}: rule {rule.id}: @leaf needs a head whose first argument is S and no @in_force")
        for cond in clause.conds:
            if cond.kind not in ("pos", "cmp") or (cond.kind == "pos" and cond.node[0] != "f"):
                raise PolicyError(f"{where}: rule {rule.id}: @leaf: only positive atoms and comparisons may be "
                                  f"conditions, not {cond.source}")
        self.leaf_clauses.append(clause.index)

    def _check_leaves(self):
        """A leaf reads only scenario facts, policy facts and atoms of scenario-free rules (all in
        the model without records), never an atom another scenario rule or a leaf derives."""
        leaves = set(self.leaf_clauses)
        for k in leaves:
            c = self.clauses[k]
            for cond in c.conds:
                if cond.kind != "pos":
                    continue
                sig = (cond.node[1], len(cond.node[2]))
                for other in self.clauses:
                    if other.signature == sig and not other.is_fact and (other.scoped or other.index in leaves):
                        raise PolicyError(f"{c.rule.file}:{c.line}: rule {c.rule.id}: @leaf: condition "
                                          f"{cond.source} is derived by rule {other.rule.id}; a leaf reads only "
                                          "scenario facts, policy facts and comparisons")

    def _resolve_windows(self):
        """Each in_force(S, Name) literal names one window(Name, From, To) fact; a rule whose body holds
        one is in force in that window (Rule.window, shown by `wfikb rules` and in explanations)."""
        windows: dict[str, tuple[int, int]] = {}
        for c in self.clauses:
            if c.is_fact and c.signature == ("window", 3):
                sym = terms.instantiate(c.head, {})
                name, f, t = sym.arguments
                if name.name in windows:
                    raise PolicyError(f"{c.rule.file}:{c.line}: window {name.name} is declared twice")
                windows[name.name] = (f.number, t.number)
        by_clause: dict[str, tuple[Rule, tuple[int, int]]] = {}
        for rule, cond, name, where in self._window_refs:
            if name not in windows:
                raise PolicyError(f"{where}: rule {rule.id}: in_force(S, {name}): no window({name}, From, To) fact")
            f, t = windows[name]
            if cond is not None:   # several windows in one body: the clause is in force where they overlap
                cond.node = (f, t)
                _, w = by_clause.get(where, (rule, (0, FOREVER)))
                by_clause[where] = (rule, (max(f, w[0]), min(t, w[1])))
        for where, (rule, w) in by_clause.items():
            if rule.window and rule.window != w:
                raise PolicyError(f"{where}: rule {rule.id}: its clauses are in force in different windows; "
                                  "give each window its own @rule")
            rule.window = w
        negated: dict[str, set[str]] = {}
        for rule, cond, name, _ in self._window_refs:
            if cond is None and not rule.window:
                negated.setdefault(rule.id, set()).add(name)
        for rid, names in negated.items():   # only "not in_force(S, Name)", one Name: before Name opens
            f, t = windows[next(iter(names))]
            if len(names) == 1 and t == FOREVER and f > 0:
                day_before = dt.date.fromisoformat(iso(f)) - dt.timedelta(days=1)
                self.rules[rid].window = (0, int(day_before.strftime("%Y%m%d")))
        del self._window_refs

    def _add(self, clause: Clause):
        clause.rule.clauses.append(clause)
        self.clauses.append(clause)
