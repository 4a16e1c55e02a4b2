"""`wfikb lint`: static checks of a policy (and overlays) beyond what loading it enforces.

Each finding is one line `FILE:LINE: finding`. Checks (docs/robustness.md):

- annotations: every statement is covered by a `@rule` block with `@cite` and `@text`; ids unique,
  and no two rules with both the same citation and the same text (a reader could not tell them apart);
- predicates: every predicate a body uses is defined (by a rule, a policy fact or the scenario's
  input facts); every predicate defined is used by some body or is an output (`regime/2`,
  `status/3`, `sanction_risk/2`, `conclude/3`, `invariant_violated/2`) or declared `% @output NAME/ARITY`;
- rules that can never fire: a body predicate nothing defines, the same atom both required and
  negated, comparisons no value satisfies (`A < 3, A > 5`, `2 > 3`);
- parameters: each name's dated values (`param/4`) without overlaps or gaps; a deliberate gap is
  marked `% @gap REASON` in the block of the value that follows it;
- `@in_force` windows well formed (dates, order) and only on rules whose head starts with S;
- overlays (`--overlay`): `@edit` headers, every `@disable` naming a rule, parameters the policy has,
  no overlapping windows within the overlay (its values override the policy's, so those are no overlap).

The loader's own errors (docs/authoring.md) are reported as findings too.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import clingo
from clingo import ast
from clingo.ast import ASTType

from wfikb import texts
from wfikb.errors import PolicyError
from wfikb.loader import FOREVER, Policy, default_policy_dir
from wfikb.loader.annotations import DISABLE_RE, RULE_ID_RE
from wfikb.loader.annotations import window as _window
from wfikb.loader.load import with_core_checks

TAG_RE = re.compile(r"^\s*%\s*@(\w+)\b\s*(.*?)\s*$")
SIG_RE = re.compile(r"^([a-z_][A-Za-z0-9_]*)/(\d+)$")
OUTPUTS = {("regime", 2), ("status", 3), ("sanction_risk", 2), ("conclude", 3), ("invariant_violated", 2)}
ENGINE = {("param", 4), ("p", 3)}     # param/4 read by p/3 (policy/core/parameters.lp) and by lint itself
OPS = {ast.ComparisonOperator.LessThan: "<", ast.ComparisonOperator.LessEqual: "<=",
       ast.ComparisonOperator.GreaterThan: ">", ast.ComparisonOperator.GreaterEqual: ">=",
       ast.ComparisonOperator.Equal: "=", ast.ComparisonOperator.NotEqual: "!="}


@dataclass
class Block:
    file: str
    line: int
    id: str | None = None
    tags: dict = field(default_factory=dict)
    edit: bool = False      # an overlay's `@edit` header, not a rule block


@dataclass
class Stmt:
    file: str
    line: int
    block: Block | None
    head: tuple[str, int] | None
    head_scoped: bool
    pos: list = field(default_factory=list)        # (sig, text) of positive body atoms
    neg: list = field(default_factory=list)        # (sig, text) of negated body atoms
    cmps: list = field(default_factory=list)       # comparison AST nodes
    param: tuple | None = None                     # ground param(Name, V, From, To)


def lint(roots: list[Path], overlays: int = 0) -> list[str]:
    """Findings over the policy read from roots; the last `overlays` roots are overlays: their
    parameters override the policy's for their windows (so only overlaps within one overlay, and
    names the policy does not have, are findings), and each `@disable` must name a rule."""
    layers = [_read([r]) for r in roots]
    files = [f for layer in layers for f in layer]
    overlay_files = {name for layer in layers[len(layers) - overlays:] for name, _ in layer} if overlays else set()
    findings: list[str] = []
    try:
        Policy(with_core_checks(files))
    except PolicyError as e:
        if not (overlays and "@disable" in str(e)):     # each unknown @disable is its own finding below
            findings.append(str(e))
    disabled = {rid for _, text in files for rid in DISABLE_RE.findall(text)}
    blocks, stmts, outputs, written = [], [], set(OUTPUTS), []
    for name, text in files:
        b, s, o = _parse(name, text, findings)
        blocks += b
        written += s
        stmts += [x for x in s if not (x.block and x.block.id in disabled)]
        outputs |= o
    findings += _annotations(blocks)
    findings += _predicates(stmts, outputs)
    findings += _never_fire(stmts)
    findings += _parameters([s for s in stmts if s.file not in overlay_files])
    if overlays:
        findings += _overlay(files, overlay_files, blocks, written)
    return findings


def _overlay(files, overlay_files: set, blocks: list[Block], stmts: list[Stmt]) -> list[str]:
    """An overlay's own checks: @disable names a rule, parameters exist, windows within it overlap not."""
    out = []
    ids = {b.id for b in blocks if not b.edit}
    disabled = {rid for _, text in files for rid in DISABLE_RE.findall(text)}
    for name, text in files:
        if name not in overlay_files:
            continue
        for no, line in enumerate(text.splitlines(), 1):
            for rid in DISABLE_RE.findall(line):
                if rid not in ids:
                    out.append(f"{name}:{no}: @disable {rid}: no rule with that id in the policy")
    known = {str(s.param[0]) for s in stmts if s.param and s.file not in overlay_files}
    for s in stmts:
        if s.param and s.file in overlay_files and str(s.param[0]) not in known:
            out.append(f"{s.file}:{s.line}: param {s.param[0]}: the policy has no parameter of that name")
    for f in _parameters([s for s in stmts if s.file in overlay_files and not (s.block and s.block.id in disabled)]):
        if " overlaps " in f:           # an overlay's values need not be contiguous, but must not overlap
            out.append(f)
    return out


def _read(roots: list[Path]) -> list[tuple[str, str]]:
    files = []
    for root in map(Path, roots):
        paths = sorted(root.rglob("*.lp")) if root.is_dir() else [root]
        for p in paths:
            shown = p.resolve()
            try:
                shown = shown.relative_to(Path.cwd())
            except ValueError:
                pass
            try:
                files.append((str(shown), p.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as e:
                raise PolicyError(f"{p}: cannot read the file ({e.__class__.__name__})") from None
    return files


# ------------------------------------------------------------------ parsing
def _parse(name: str, text: str, findings: list[str]):
    blocks: list[Block] = []
    outputs: set = set()
    current = None
    for no, line in enumerate(text.splitlines(), 1):
        m = TAG_RE.match(line)
        if not m:
            continue
        tag, value = m.groups()
        if tag == "output":
            sm = SIG_RE.match(value)
            if sm:
                outputs.add((sm.group(1), int(sm.group(2))))
            else:
                findings.append(f"{name}:{no}: @output expects NAME/ARITY")
            continue
        if tag in ("pred", "disable"):
            continue
        if tag == "edit":           # an overlay's edit header (docs/authoring.md): its @title and @cite follow
            current = Block(name, no, value, edit=True)
            continue
        if current is not None and current.edit:
            if tag in ("title", "cite"):
                if tag in current.tags:
                    findings.append(f"{name}:{no}: edit {current.id}: @{tag} given twice")
                current.tags[tag] = (value, no)
                continue
            if tag != "rule":
                findings.append(f"{name}:{no}: edit {current.id}: @{tag} before any @rule")
                continue
        if tag == "rule":
            current = Block(name, no, value)
            blocks.append(current)
        elif current is None:
            findings.append(f"{name}:{no}: @{tag} before any @rule")
            continue
        elif tag in current.tags and tag != "gap":
            findings.append(f"{name}:{no}: rule {current.id}: @{tag} given twice")
        current.tags[tag] = (value, no)
        if tag == "in_force":
            try:
                _window(name, no, value)
            except PolicyError as e:
                findings.append(str(e))
    statements: list = []
    try:
        ast.parse_string(text, statements.append, logger=lambda c, m: None)
    except RuntimeError:
        return blocks, [], outputs        # the loader's finding says where
    stmts = []
    for st in statements:
        if st.ast_type != ASTType.Rule:
            continue
        line = st.location.begin.line
        block = None
        for b in blocks:
            if b.line < line:
                block = b
        stmts.append(_statement(name, line, block, st))
    return blocks, stmts, outputs


def _statement(name, line, block, st) -> Stmt:
    head = st.head
    sig, scoped, param = None, False, None
    if head.ast_type == ASTType.Literal and head.atom.ast_type == ASTType.SymbolicAtom \
            and head.atom.symbol.ast_type == ASTType.Function:
        fn = head.atom.symbol
        sig = (fn.name, len(fn.arguments))
        scoped = bool(fn.arguments) and fn.arguments[0].ast_type == ASTType.Variable and fn.arguments[0].name == "S"
        if sig == ("param", 4) and not st.body:
            try:
                param = tuple(clingo.parse_term(str(a)) for a in fn.arguments)
            except RuntimeError:
                param = None
    s = Stmt(name, line, block, sig, scoped)
    s.param = param
    for lit in st.body:
        _body(lit, s)
    return s


def _body(lit, s: Stmt):
    if lit.ast_type == ASTType.ConditionalLiteral:
        _body(lit.literal, s)
        for c in lit.condition:
            _body(c, s)
        return
    if lit.ast_type != ASTType.Literal:
        return
    atom = lit.atom
    if atom.ast_type == ASTType.SymbolicAtom and atom.symbol.ast_type == ASTType.Function:
        fn = atom.symbol
        (s.pos if lit.sign == 0 else s.neg).append(((fn.name, len(fn.arguments)), str(fn)))
    elif atom.ast_type == ASTType.Comparison and lit.sign == 0:
        s.cmps.append(atom)
    elif atom.ast_type in (ASTType.BodyAggregate, ASTType.Aggregate):
        for el in atom.elements:
            for c in getattr(el, "condition", []):
                _body(c, s)
            if hasattr(el, "literal"):
                _body(el.literal, s)


# ------------------------------------------------------------------ checks
def _annotations(blocks: list[Block]) -> list[str]:
    out, seen, texts_seen = [], {}, {}
    for b in blocks:
        if b.edit:
            continue
        where = f"{b.file}:{b.line}"
        if not b.id or not RULE_ID_RE.match(b.id):
            out.append(f"{where}: rule id {b.id!r}: expected lowercase letters, digits, '_', '.', '-'")
        elif b.id in seen:
            out.append(f"{where}: rule id {b.id} is already used at {seen[b.id]}")
        else:
            seen[b.id] = where
        for tag in ("cite", "text"):
            if not b.tags.get(tag, ("", 0))[0]:
                out.append(f"{where}: rule {b.id}: no @{tag}")
        shown = (b.tags.get("cite", ("", 0))[0], b.tags.get("text", ("", 0))[0])
        if all(shown) and shown in texts_seen:
            out.append(f"{where}: rule {b.id}: @cite and @text repeat those of {texts_seen[shown]} word for word "
                       "(a reader cannot tell the two rules apart)")
        elif all(shown):
            texts_seen[shown] = f"{b.id} ({where})"
    return out


def _defined(stmts) -> dict:
    d: dict = {}
    for s in stmts:
        if s.head:
            d.setdefault(s.head, s)
    return d


def _predicates(stmts: list[Stmt], outputs: set) -> list[str]:
    out = []
    defined = _defined(stmts)
    used = set(ENGINE)
    for s in stmts:
        for sig, _ in s.pos + s.neg:
            used.add(sig)
    reported = set()
    for s in stmts:
        for sig, text in s.pos + s.neg:
            if sig not in defined and not texts.is_input(sig) and not sig[0].startswith("_") and sig not in reported:
                reported.add(sig)
                out.append(f"{s.file}:{s.line}: {sig[0]}/{sig[1]} is used but never defined (no rule, policy fact or "
                           "scenario fact gives it)")
    for sig, s in defined.items():
        if sig not in used and sig not in outputs and not sig[0].startswith("_"):
            out.append(f"{s.file}:{s.line}: {sig[0]}/{sig[1]} is defined but never used (declare it with "
                       "'% @output NAME/ARITY' if something outside the policy reads it)")
    return out


def _never_fire(stmts: list[Stmt]) -> list[str]:
    out = []
    defined = _defined(stmts)
    for s in stmts:
        rid = s.block.id if s.block else "?"
        where = f"{s.file}:{s.line}: rule {rid} can never fire"
        missing = [sig for sig, _ in s.pos if sig not in defined and not texts.is_input(sig)
                   and not sig[0].startswith("_")]
        if missing:
            out.append(f"{where}: nothing defines {missing[0][0]}/{missing[0][1]}")
            continue
        both = {t for _, t in s.pos} & {t for _, t in s.neg}
        if both:
            out.append(f"{where}: it requires {sorted(both)[0]} and its absence")
            continue
        why = _impossible(s.cmps)
        if why:
            out.append(f"{where}: {why}")
        window = s.block.tags.get("in_force") if s.block else None
        if window and s.head and not s.head_scoped:
            out.append(f"{s.file}:{s.line}: rule {rid}: @in_force needs a head whose first argument is S")
    return out


def _impossible(cmps) -> str | None:
    """Comparisons no integer satisfies: constant ones that are false, or bounds on one variable that
    leave no value (equalities with different constants included)."""
    bounds: dict[str, list] = {}
    for c in cmps:
        if len(c.guards) != 1:
            continue
        op, right, left = c.guards[0].comparison, c.guards[0].term, c.term
        lv, rv = _const(left), _const(right)
        if lv is not None and rv is not None:
            if not _holds(lv, OPS[op], rv):
                return f"{lv} {OPS[op]} {rv} is false"
            continue
        if left.ast_type == ASTType.Variable and isinstance(rv, int):
            var, sym, n = left.name, OPS[op], rv
        elif right.ast_type == ASTType.Variable and isinstance(lv, int):
            var, sym, n = right.name, {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(OPS[op], OPS[op]), lv
        else:
            continue
        lo, hi = bounds.setdefault(var, [-2**31, 2**31])
        if sym in ("<", "<="):
            hi = min(hi, n - (sym == "<"))
        elif sym in (">", ">="):
            lo = max(lo, n + (sym == ">"))
        elif sym == "=":
            lo, hi = max(lo, n), min(hi, n)
        bounds[var] = [lo, hi]
        if lo > hi:
            return f"no value of {var} satisfies its comparisons"
    return None


def _const(term):
    if term.ast_type == ASTType.SymbolicTerm:
        sym = term.symbol
        return sym.number if sym.type == clingo.SymbolType.Number else str(sym)
    if term.ast_type == ASTType.UnaryOperation and _const(term.argument) is not None:
        v = _const(term.argument)
        return -v if isinstance(v, int) else None
    return None


def _holds(a, op, b) -> bool:
    if type(a) is not type(b):
        return op == "!=" or (op in ("<", "<=", ">", ">=") and _order(a, b, op))
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "=": a == b, "!=": a != b}[op]


def _order(a, b, op) -> bool:
    # clingo orders numbers before constants
    a_first = isinstance(a, int)
    return a_first if op in ("<", "<=") else not a_first


def _parameters(stmts: list[Stmt]) -> list[str]:
    out = []
    by_name: dict[str, list] = {}
    for s in stmts:
        if not s.param:
            continue
        name, _, f, t = s.param
        where = f"{s.file}:{s.line}"
        if f.type != clingo.SymbolType.Number or t.type != clingo.SymbolType.Number:
            out.append(f"{where}: param {name}: From and To must be YYYYMMDD numbers")
            continue
        bad = [n for n in (f.number, t.number) if n != FOREVER and _date(n) is None]
        if bad:
            out.append(f"{where}: param {name}: {bad[0]} is not a date YYYYMMDD")
            continue
        if f.number > t.number:
            out.append(f"{where}: param {name}: its window ends ({t.number}) before it starts ({f.number})")
            continue
        by_name.setdefault(str(name), []).append((f.number, t.number, s))
    for name, rows in by_name.items():
        rows.sort(key=lambda r: (r[0], r[1]))
        for (f1, t1, s1), (f2, t2, s2) in zip(rows, rows[1:]):
            where = f"{s2.file}:{s2.line}"
            if f2 <= t1:
                out.append(f"{where}: param {name}: from {f2} overlaps the value at {s1.file}:{s1.line} "
                           f"(in force to {t1})")
            elif t1 != FOREVER and _next_day(t1) != f2 and not (s2.block and "gap" in s2.block.tags) \
                    and s1.block is not s2.block:      # windows written in one block are one decision
                out.append(f"{where}: param {name}: gap from {_next_day(t1)} to the day before {f2} after the "
                           f"value at {s1.file}:{s1.line} (mark a deliberate gap with '% @gap REASON')")
    return out


def _date(n: int) -> dt.date | None:
    try:
        return dt.date(n // 10000, n // 100 % 100, n % 100)
    except ValueError:
        return None


def _next_day(n: int) -> int:
    return int((_date(n) + dt.timedelta(days=1)).strftime("%Y%m%d"))


def run(base: list[Path], overlays: list[Path]) -> list[str]:
    return lint((base or [default_policy_dir()]) + overlays, overlays=len(overlays))
