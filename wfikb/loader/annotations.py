"""Read the `% @` annotation blocks of a policy file into rule metadata (docs/authoring.md).

`@rule ID` opens a block; `@cite`, `@text` and `@in_force` describe that rule; `@pred NAME/ARITY TEXT`
gives a predicate's reader text; `@disable ID` (in an overlay) switches a rule off wherever it is
defined. Every statement belongs to the nearest `@rule` block above it (`covering`).

`@edit ID` (in an overlay) starts one addressable edit (wfikb.analysis.edits reads its `@title` and
`@cite`): it closes the rule block above it, and the `@cite` lines of its header belong to the edit,
not to a rule, so a statement needs its own `@rule` inside the edit.
"""
from __future__ import annotations

import datetime as dt
import re

from wfikb import dates
from wfikb.errors import PolicyError
from wfikb.loader.policy import FOREVER, Rule

ANNOT_RE = re.compile(r"^\s*%\s*@(rule|cite|text|in_force|pred)\b\s*(.*?)\s*$")
EDIT_RE = re.compile(r"^\s*%\s*@edit\b\s*(.*?)\s*$")
DISABLE_RE = re.compile(r"^\s*%\s*@disable\s+(\S+)\s*$", re.M)
RULE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
PLACEHOLDER = re.compile(r"\{([A-Z_][A-Za-z0-9_]*)(?::\w+)?\}")
PRED_RE = re.compile(r"^([a-z_][A-Za-z0-9_]*)/(\d+)\s+(.+)$")


def disabled_ids(files: list[tuple[str, str]]) -> dict[str, str]:
    """Rule id -> the file that switches it off."""
    return {rid: name for name, text in files for rid in DISABLE_RE.findall(text)}


def read(name: str, text: str, rules: dict[str, Rule], pred_texts: dict) -> list[tuple[int, Rule | None]]:
    """The file's rule blocks as (line, Rule), in order, and each `@edit` line as (line, None); new
    rules go into `rules`, @pred texts into `pred_texts`."""
    out: list[tuple[int, Rule | None]] = []
    current: Rule | None = None
    edit_header = False
    for no, line in enumerate(text.splitlines(), 1):
        if EDIT_RE.match(line):
            out.append((no, None))
            current, edit_header = None, True
            continue
        m = ANNOT_RE.match(line)
        if not m:
            continue
        tag, value = m.groups()
        if edit_header and current is None and tag in ("cite", "text"):
            continue   # the edit's own citation (read by wfikb.analysis.edits)
        if tag == "pred":
            pm = PRED_RE.match(value)
            if not pm:
                raise PolicyError(f"{name}:{no}: @pred expects NAME/ARITY TEXT")
            pred_texts[(pm.group(1), int(pm.group(2)))] = pm.group(3)
            continue
        if tag == "rule":
            if not RULE_ID_RE.match(value):
                raise PolicyError(f"{name}:{no}: rule id {value!r}: expected lowercase letters, digits, '_', '.', '-'")
            if value in rules:
                other = rules[value]
                raise PolicyError(f"{name}:{no}: rule id {value!r} is already used at {other.file}:{other.line}")
            current = Rule(value, "", "", name, no)
            rules[value] = current
            out.append((no, current))
            continue
        if current is None:
            raise PolicyError(f"{name}:{no}: @{tag} before any @rule")
        if tag == "cite":
            current.cite = value
        elif tag == "text":
            current.text = value
        elif tag == "in_force":
            current.window = window(name, no, value)
    for _, rule in out:
        for tag in ("cite", "text"):
            if rule is not None and not getattr(rule, tag):
                raise PolicyError(f"{name}:{rule.line}: rule {rule.id} has no @{tag}")
    return out


def covering(blocks: list[tuple[int, Rule | None]], line: int) -> Rule | None:
    """The rule whose block is the nearest above `line` (None after an `@edit` line with no `@rule`
    since)."""
    rule = None
    for no, r in blocks:
        if no < line:
            rule = r
        else:
            break
    return rule


def window(name: str, no: int, value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})?\s*\.\.\s*(\d{4}-\d{2}-\d{2})?", value)
    if not m or not (m.group(1) or m.group(2)):
        raise PolicyError(f"{name}:{no}: @in_force expects FROM..TO with ISO dates (either end may be open)")
    try:
        f = dates.as_int(dt.date.fromisoformat(m.group(1))) if m.group(1) else 0
        t = dates.as_int(dt.date.fromisoformat(m.group(2))) if m.group(2) else FOREVER
    except ValueError:
        raise PolicyError(f"{name}:{no}: @in_force has an impossible date: {value}") from None
    if f > t:
        raise PolicyError(f"{name}:{no}: @in_force window ends before it starts: {value}")
    return (f, t)


def check_texts(rules: dict[str, Rule]) -> None:
    """Every {Var} of a rule's text must be a variable of each of its (non-fact) clauses."""
    for rule in rules.values():
        wanted = {m.group(1) for m in PLACEHOLDER.finditer(rule.text)}
        if not wanted:
            continue
        for c in rule.clauses:
            if c.is_fact:
                continue
            missing = sorted(wanted - set(c.variables))
            if missing:
                raise PolicyError(f"{c.rule.file}:{c.line}: rule {rule.id}: @text uses {{{missing[0]}}}, "
                                  "which is not a variable of this clause")


AS_RE = re.compile(r"^as\s+([a-z0-9][a-z0-9_.\-]*(?:\s*,\s*[a-z0-9][a-z0-9_.\-]*)*)\s*(?:[;:]\s*(.*))?$")


def resolve_as(rules: dict[str, Rule]) -> None:
    """`@cite as OTHER_ID[, ID...][; more]` cites what the named rules cite: the referenced
    citations are put in its place, so every explanation line names the law, not another rule."""
    def cite_of(rule: Rule, seen: frozenset) -> str:
        m = AS_RE.match(rule.cite)
        if not m or rule.id in seen:
            return rule.cite
        ids = [i.strip() for i in m.group(1).split(",")]
        if not all(i in rules for i in ids):
            return rule.cite
        parts = []
        for i in ids:
            c = cite_of(rules[i], seen | {rule.id})
            if c not in parts:
                parts.append(c)
        rest = (m.group(2) or "").strip()
        return "; ".join(parts + ([rest] if rest else []))
    resolved = {rid: cite_of(r, frozenset()) for rid, r in rules.items()}
    for rid, cite in resolved.items():
        rules[rid].cite = cite
