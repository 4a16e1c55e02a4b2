"""Read the policy: parse each .lp file, attach its annotations, and rewrite every rule so the solver
records each rule instance that fires.

A rule ``H :- B.`` annotated ``@rule ID`` becomes

    _fired(K, (V1, ..., Vn)) :- [_in_force(S, From, To),] B.
    H :- _fired(K, (V1, ..., Vn)).

where K numbers the clause and V1..Vn are all its variables. So every derivation of H goes through
a record of the clause and the values of its variables; Python rebuilds the instance (head, positive
conditions, "no evidence that" conditions, comparisons) from that record and never re-derives
anything. Facts stay facts; each ground fact is indexed to its annotation.

Statements are passed to clingo as AST, never as pasted text. Authoring rules: docs/authoring.md.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import re
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import clingo
from clingo import ast
from clingo.ast import ASTType

from wfikb import terms
from wfikb.errors import PolicyError

ANNOT_RE = re.compile(r"^\s*%\s*@(rule|cite|text|in_force|pred)\b\s*(.*?)\s*$")
DISABLE_RE = re.compile(r"^\s*%\s*@disable\s+(\S+)\s*$", re.M)
RULE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
PLACEHOLDER = re.compile(r"\{([A-Z_][A-Za-z0-9_]*)(?::\w+)?\}")
PRED_RE = re.compile(r"^([a-z_][A-Za-z0-9_]*)/(\d+)\s+(.+)$")
FOREVER = 99991231
FIRED = "_fired"
VIOLATED = "_violated"
IN_FORCE = "_in_force"
WINDOW = "_window"
SCENARIO_VAR = "S"


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
        return f"{_iso(f) if f else '…'} to {_iso(t) if t != FOREVER else 'now'}"


@dataclass
class Cond:
    kind: str            # pos | neg | cmp | agg | in_force
    node: object         # template (pos/neg, see wfikb.terms), (left, guards) (cmp), text (agg), (from, to) (in_force)
    variables: frozenset[str]
    assigns: str | None = None   # cmp: "X = expr" that binds X when X is unbound
    source: str = ""             # the condition as written


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
    """A headless rule: circumstances that cannot hold together (policy/core/consistency.lp)."""
    index: int
    rule: Rule
    variables: list[str]         # order of the recorded tuple
    line: int

    @property
    def s_position(self) -> int:
        return self.variables.index(SCENARIO_VAR)


def _is_constraint(st) -> bool:
    head = st.head
    return (head.ast_type == ASTType.Literal and head.atom.ast_type == ASTType.BooleanConstant
            and not head.atom.value)


class Policy:
    """The parsed, annotated and rewritten policy, loaded once and shared by every evaluation."""

    def __init__(self, files: list[tuple[str, str]]):
        self.files = [name for name, _ in files]
        self.rules: dict[str, Rule] = {}
        self.clauses: list[Clause] = []
        self.constraints: list[Constraint] = []      # headless rules (policy/core/consistency.lp)
        self.constraint_program: list[str] = []      # each as written (with its in-force test), for cores
        self.pred_texts: dict[tuple[str, int], str] = {}
        self.program: list[ast.AST] = []
        self.plain_program: list[ast.AST] = []   # the rules as written, for benchmarks
        self.windows: set[tuple[int, int]] = set()
        # An overlay switches a rule off by id ("% @disable ID"), wherever the rule is defined.
        self.disabled_by: dict[str, str] = {rid: name for name, text in files for rid in DISABLE_RE.findall(text)}
        self.disabled: dict[str, Rule] = {}
        digest = hashlib.sha256()
        for name, text in files:
            digest.update(name.encode() + b"\0" + text.encode() + b"\0")
            self._load_file(name, text)
        self.digest = digest.hexdigest()
        for rid, where in self.disabled_by.items():
            if rid not in self.rules:
                raise PolicyError(f"{where}: @disable {rid}: no rule with that id")
            self.disabled[rid] = self.rules.pop(rid)
        self._check_texts()
        self.by_head: dict[tuple[str, int], list[Clause]] = {}
        for c in self.clauses:
            self.by_head.setdefault(c.signature, []).append(c)
        self._add_internal()
        self.s_positions = [c.s_position if c.scoped and not c.is_fact else -1 for c in self.clauses]
        # The rewritten program travels as text (clingo parses it much faster than Python builds AST),
        # so a loaded policy holds no clingo objects and can be cached between runs.
        self.program_text = "\n".join(map(str, self.program)) + "\n"
        self.plain_program_text = "\n".join(map(str, self.plain_program)) + "\n"
        del self.program, self.plain_program
        self._fact_index: dict | None = None

    @property
    def fact_index(self) -> dict[clingo.Symbol, "Clause"]:
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

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_fact_index"] = None      # clingo symbols stay out of the cache
        return state

    @property
    def version(self) -> str:
        from wfikb import __version__
        return f"wfikb-{__version__}+{self.digest[:12]}"

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, roots: list[Path] | None = None) -> "Policy":
        """Read the policy folders (and overlays, in order); a cached copy is used when nothing changed."""
        roots = roots or [default_policy_dir()]
        files = []
        for root in roots:
            root = Path(root)
            paths = sorted(root.rglob("*.lp")) if root.is_dir() else [root]
            if not paths:
                raise PolicyError(f"{root}: no .lp policy files found")
            for p in paths:
                rel = p.relative_to(root).as_posix() if root.is_dir() else p.name
                files.append((f"{root.name}/{rel}", p.read_text(encoding="utf-8")))
        return cls.from_files(with_core_checks(files))

    @classmethod
    def from_files(cls, files: list[tuple[str, str]]) -> "Policy":
        path = _cache_path(files)
        if path is not None and path.is_file():
            try:
                with path.open("rb") as fh:
                    policy = pickle.load(fh)
                if isinstance(policy, cls):
                    return policy
            except Exception:  # a stale or damaged cache entry is rebuilt, never trusted
                pass
        policy = cls(files)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as fh:
                    pickle.dump(policy, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(fh.name, path)
                for old in sorted(path.parent.glob("policy-*.pickle"), key=lambda p: p.stat().st_mtime)[:-8]:
                    old.unlink(missing_ok=True)   # keep the eight most recent policies
            except OSError:
                pass  # no writable cache: load afresh next time
        return policy

    def _load_file(self, name: str, text: str):
        annotations = self._annotations(name, text)
        statements: list[ast.AST] = []
        messages: list[str] = []
        try:
            ast.parse_string(text, statements.append, logger=lambda code, msg: messages.append(msg),
                             message_limit=5)
        except RuntimeError:
            detail = messages[0].strip().replace("<string>", name) if messages else "syntax error"
            raise PolicyError(f"{name}: {detail.splitlines()[0]}") from None
        for st in statements:
            if st.ast_type == ASTType.Program:
                if st.name != "base" or st.parameters:
                    raise PolicyError(f"{name}:{st.location.begin.line}: #program parts are not allowed in policy files")
                continue
            if st.ast_type.name == "Comment":
                continue
            line = st.location.begin.line
            if st.ast_type != ASTType.Rule:
                raise PolicyError(f"{name}:{line}: only rules and facts are allowed (see docs/authoring.md)")
            rule = _covering(annotations, line)
            if rule is None:
                raise PolicyError(f"{name}:{line}: statement has no @rule annotation above it")
            if rule.id in self.disabled_by:
                continue
            if _is_constraint(st):
                self._add_constraint(rule, st, name, line)
            else:
                self._add_clause(rule, st, name, line)

    def _annotations(self, name: str, text: str) -> list[tuple[int, Rule]]:
        out: list[tuple[int, Rule]] = []
        current: Rule | None = None
        for no, line in enumerate(text.splitlines(), 1):
            m = ANNOT_RE.match(line)
            if not m:
                continue
            tag, value = m.groups()
            if tag == "pred":
                pm = PRED_RE.match(value)
                if not pm:
                    raise PolicyError(f"{name}:{no}: @pred expects NAME/ARITY TEXT")
                self.pred_texts[(pm.group(1), int(pm.group(2)))] = pm.group(3)
                continue
            if tag == "rule":
                if not RULE_ID_RE.match(value):
                    raise PolicyError(f"{name}:{no}: rule id {value!r}: expected lowercase letters, digits, '_', '.', '-'")
                if value in self.rules:
                    other = self.rules[value]
                    raise PolicyError(f"{name}:{no}: rule id {value!r} is already used at {other.file}:{other.line}")
                current = Rule(value, "", "", name, no)
                self.rules[value] = current
                out.append((no, current))
                continue
            if current is None:
                raise PolicyError(f"{name}:{no}: @{tag} before any @rule")
            if tag == "cite":
                current.cite = value
            elif tag == "text":
                current.text = value
            elif tag == "in_force":
                current.window = _window(name, no, value)
        for _, rule in out:
            for tag in ("cite", "text"):
                if not getattr(rule, tag):
                    raise PolicyError(f"{name}:{rule.line}: rule {rule.id} has no @{tag}")
        return out

    def _add_clause(self, rule: Rule, st, name: str, line: int):
        where = f"{name}:{line}"
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
        clause_no = len(rule.clauses) + 1
        if not st.body:
            if rule.window:
                raise PolicyError(f"{where}: rule {rule.id}: a fact cannot have @in_force; give it a body")
            clause = Clause(len(self.clauses), rule, clause_no, terms.from_ast(head_term), [], [], scoped, True, line)
            rule.clauses.append(clause)
            self.clauses.append(clause)
            self.program.append(st)
            self.plain_program.append(st)
            return
        conds, body = [], []
        counter = [0]
        for lit in st.body:
            if lit.ast_type != ASTType.Literal:
                raise PolicyError(f"{where}: rule {rule.id}: conditional literals are not allowed")
            if lit.sign == 2:
                raise PolicyError(f"{where}: rule {rule.id}: 'not not' is not allowed")
            atom = lit.atom
            if atom.ast_type == ASTType.SymbolicAtom:
                if lit.sign == 0:
                    term = _name_anonymous(atom.symbol, counter)
                    lit = ast.Literal(lit.location, 0, ast.SymbolicAtom(term))
                    conds.append(Cond("pos", terms.from_ast(term), _vars(term), source=str(term)))
                else:
                    conds.append(Cond("neg", terms.from_ast(atom.symbol), _vars(atom.symbol) - {"_"},
                                      source=f"not {atom.symbol}"))
            elif atom.ast_type == ASTType.Comparison:
                conds.append(_comparison(lit))
            elif atom.ast_type in (ASTType.BodyAggregate, ASTType.Aggregate):
                conds.append(Cond("agg", str(lit), _guard_vars(atom), source=str(lit)))
            elif atom.ast_type == ASTType.BooleanConstant:
                continue
            else:
                raise PolicyError(f"{where}: rule {rule.id}: unsupported body element {atom}")
            body.append(lit)
        variables = sorted(_vars(head_term) | set().union(*(c.variables for c in conds)) - {"_"})
        if rule.window:
            self.windows.add(rule.window)
            f, t = rule.window
            in_force = _lit(_fn(IN_FORCE, [_var(SCENARIO_VAR), _num(f), _num(t)]))
            body.insert(0, in_force)
            conds.insert(0, Cond("in_force", rule.window, frozenset({SCENARIO_VAR}), source="in force"))
        try:
            conds = _safe_order(conds, _vars(head_term) if scoped else set())
        except ValueError as e:
            raise PolicyError(f"{where}: rule {rule.id}: {e}") from None
        clause = Clause(len(self.clauses), rule, clause_no, terms.from_ast(head_term), conds, variables, scoped,
                        False, line)
        rule.clauses.append(clause)
        self.clauses.append(clause)
        self.plain_program.append(ast.Rule(st.location, st.head, body))
        record = _fn(FIRED, [_num(clause.index), _tuple([_var(v) for v in variables])])
        self.program.append(ast.Rule(st.location, _lit(record), body))
        self.program.append(ast.Rule(st.location, st.head, [_lit(record)]))

    def _add_constraint(self, rule: Rule, st, name: str, line: int):
        """A headless rule ``:- B.`` becomes the record ``_violated(K, (V1..Vn)) :- B.``, so a batch with
        a contradictory scenario still solves and the engine names the constraint and the scenario;
        the constraint as written is kept for the unsatisfiable-core solve (wfikb/engine.py)."""
        where = f"{name}:{line}"
        body = list(st.body)
        for lit in body:
            if lit.ast_type != ASTType.Literal or lit.sign == 2 or lit.atom.ast_type not in (
                    ASTType.SymbolicAtom, ASTType.Comparison):
                raise PolicyError(f"{where}: rule {rule.id}: a constraint's body takes atoms, 'not' atoms and comparisons")
        variables = sorted(set().union(*(_vars(lit) for lit in body)) - {"_"}) if body else []
        if SCENARIO_VAR not in variables:
            raise PolicyError(f"{where}: rule {rule.id}: a constraint must be about one scenario (use the variable S)")
        missing = sorted({m.group(1) for m in PLACEHOLDER.finditer(rule.text)} - set(variables))
        if missing:
            raise PolicyError(f"{where}: rule {rule.id}: @text uses {{{missing[0]}}}, which is not a variable of this clause")
        if rule.window:
            self.windows.add(rule.window)
            f, t = rule.window
            body.insert(0, _lit(_fn(IN_FORCE, [_var(SCENARIO_VAR), _num(f), _num(t)])))
        c = Constraint(len(self.constraints), rule, variables, line)
        self.constraints.append(c)
        record = _fn(VIOLATED, [_num(c.index), _tuple([_var(v) for v in variables])])
        self.program.append(ast.Rule(st.location, _lit(record), body))
        self.constraint_program.append(str(ast.Rule(st.location, st.head, body)))

    def _check_texts(self):
        """Every {Var} of a rule's text must be a variable of each of its clauses."""
        for rule in self.rules.values():
            wanted = {m.group(1) for m in PLACEHOLDER.finditer(rule.text)}
            for c in rule.clauses:
                names = set(c.variables) | (terms.variables(c.head) if c.is_fact else set())
                missing = sorted(wanted - names)
                if missing and not c.is_fact:
                    raise PolicyError(f"{c.rule.file}:{c.line}: rule {rule.id}: @text uses {{{missing[0]}}}, "
                                      "which is not a variable of this clause")

    def _add_internal(self):
        """The in-force test for windowed rules (also part of the plain program, which keeps them)."""
        loc = _LOC
        s, d, f, t = (_var(x) for x in ("S", "D", "F", "T"))
        le = ast.ComparisonOperator.LessEqual
        internal = [ast.Rule(loc, _lit(_fn(WINDOW, [_num(wf), _num(wt)])), []) for wf, wt in sorted(self.windows)]
        internal.append(ast.Rule(loc, _lit(_fn(IN_FORCE, [s, f, t])), [
            _lit(_fn("today", [s, d])), _lit(_fn(WINDOW, [f, t])),
            ast.Literal(loc, 0, ast.Comparison(f, [ast.Guard(le, d)])),
            ast.Literal(loc, 0, ast.Comparison(d, [ast.Guard(le, t)])),
        ]))
        self.program += internal
        self.plain_program += internal


CORE_CHECKS = ("core/invariants.lp", "core/consistency.lp")


def with_core_checks(files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The invariants and consistency constraints apply to every policy: a --policy folder without its
    own core/invariants.lp or core/consistency.lp gets the shipped ones (docs/robustness.md)."""
    out = list(files)
    for rel in CORE_CHECKS:
        if not any(name == rel or name.endswith("/" + rel) for name, _ in files):
            shipped = default_policy_dir() / rel
            out.append((f"wfikb/{rel}", shipped.read_text(encoding="utf-8")))
    return out


def _cache_path(files: list[tuple[str, str]]) -> Path | None:
    """Where a loaded policy is kept between runs (WFIKB_NO_CACHE=1 turns this off).

    The key covers the policy files, the loader's own code and the clingo and Python versions, so
    any change to them loads afresh. The cache lives in the user's own cache folder."""
    if os.environ.get("WFIKB_NO_CACHE"):
        return None
    base = os.environ.get("WFIKB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "wfikb")
    key = hashlib.sha256()
    for module in (__file__, terms.__file__):
        key.update(Path(module).read_bytes())
    key.update(f"{clingo.__version__}|{sys.version}".encode())
    for name, text in files:
        key.update(name.encode() + b"\0" + text.encode() + b"\0")
    return Path(base) / f"policy-{key.hexdigest()[:32]}.pickle"


def default_policy_dir() -> Path:
    """The policy shipped inside the package (wfikb.policy); the source tree's policy/ when run from a checkout."""
    try:
        p = Path(str(resources.files("wfikb.policy")))
        if p.is_dir() and any(p.rglob("*.lp")):
            return p
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "policy"


# ------------------------------------------------------------------------------ AST helpers
_POS = ast.Position("<wfikb>", 1, 1)
_LOC = ast.Location(_POS, _POS)


def _fn(name, args):
    return ast.Function(_LOC, name, args, 0)


def _var(name):
    return ast.Variable(_LOC, name)


def _num(n):
    return ast.SymbolicTerm(_LOC, clingo.Number(n))


def _tuple(items):
    return ast.Function(_LOC, "", items, 0)


def _lit(term):
    return ast.Literal(_LOC, 0, ast.SymbolicAtom(term))


_VAR_RE = re.compile(r'"(?:\\.|[^"\\])*"|(?<![A-Za-z0-9_\'])(_*[A-Z][A-Za-z0-9_\']*|_(?![A-Za-z0-9_\']))')


def _vars(node) -> frozenset[str]:
    """Variable names in an AST node (read off its text: much faster than walking the AST)."""
    return frozenset(m.group(1) for m in _VAR_RE.finditer(str(node)) if m.group(1))


def _guard_vars(agg) -> frozenset[str]:
    out: set[str] = set()
    for g in (agg.left_guard, agg.right_guard):
        if g is not None:
            out |= _vars(g.term)
    return frozenset(out)


class _NameAnonymous(ast.Transformer):
    """Give each '_' in a positive condition a name, so its value is recorded and shown."""

    def __init__(self, counter):
        self.counter = counter

    def visit_Variable(self, v):
        if v.name == "_":
            self.counter[0] += 1
            return ast.Variable(v.location, f"Any{self.counter[0]}_")
        return v


def _name_anonymous(term, counter):
    return _NameAnonymous(counter)(term) if "_" in _vars(term) else term


def _comparison(lit) -> Cond:
    cmp = lit.atom
    variables = _vars(cmp)
    assigns = None
    if len(cmp.guards) == 1 and cmp.guards[0].comparison == ast.ComparisonOperator.Equal \
            and cmp.term.ast_type == ASTType.Variable:
        assigns = cmp.term.name
    template = terms.comparison_from_ast(cmp)
    return Cond("cmp", template, variables, assigns, source=terms.show_comparison(template))


def _safe_order(conds: list[Cond], bound: set[str]) -> list[Cond]:
    """Order conditions so each is tested when its variables are bound (source order otherwise)."""
    bound = set(bound)
    todo, out = list(conds), []
    while todo:
        for i, c in enumerate(todo):
            ok = (c.kind in ("pos", "in_force")
                  or (c.kind == "cmp" and (c.variables <= bound or
                                           (c.assigns and c.variables - {c.assigns} <= bound)))
                  or (c.kind in ("neg", "agg") and c.variables <= bound))
            if ok:
                out.append(todo.pop(i))
                bound |= c.variables
                break
        else:
            raise ValueError("unsafe rule: a comparison or 'not' uses a variable no positive condition binds")
    return out


def _covering(annotations, line):
    rule = None
    for no, r in annotations:
        if no < line:
            rule = r
        else:
            break
    return rule


def _window(name, no, value) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})?\s*\.\.\s*(\d{4}-\d{2}-\d{2})?", value)
    if not m or not (m.group(1) or m.group(2)):
        raise PolicyError(f"{name}:{no}: @in_force expects FROM..TO with ISO dates (either end may be open)")
    try:
        f = int(dt.date.fromisoformat(m.group(1)).strftime("%Y%m%d")) if m.group(1) else 0
        t = int(dt.date.fromisoformat(m.group(2)).strftime("%Y%m%d")) if m.group(2) else FOREVER
    except ValueError:
        raise PolicyError(f"{name}:{no}: @in_force has an impossible date: {value}") from None
    if f > t:
        raise PolicyError(f"{name}:{no}: @in_force window ends before it starts: {value}")
    return (f, t)


def _iso(n: int) -> str:
    return f"{n // 10000:04d}-{n // 100 % 100:02d}-{n % 100:02d}"
