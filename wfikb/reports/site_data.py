"""What the docs site shows, as plain data: files by instrument, rules with what they use and what
uses them, parameters with their dated values, and which scenarios fire each rule.

Everything here is read from the loaded policy (its parsed rule bodies) and from evaluations of the
scenario corpus (the firings the engine records, as `wfikb test --coverage` counts them); nothing
is guessed from the text of a rule. Orders are sorted or follow the policy files, so the same
policy and scenarios give the same data.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from clingo import SymbolType

from wfikb import dates, testing, texts
from wfikb.loader import FOREVER, Policy
from wfikb.reports import links
from wfikb.terms import instantiate

IN_FORCE_RE = re.compile(r"in_force\(\s*S\s*,\s*([a-z][A-Za-z0-9_]*)\s*\)")
SLUG_RE = re.compile(r"[^a-z0-9_.-]+")


@dataclass
class ParamValue:
    value: str
    start: str
    end: str
    rule: str
    cite: str
    on: dt.date | None          # the date the citation's links show (the value's first day)


@dataclass
class Parameter:
    name: str
    slug: str
    values: list[ParamValue] = field(default_factory=list)
    read_by: list[str] = field(default_factory=list)   # rules whose bodies look the parameter up


@dataclass
class RuleInfo:
    id: str
    file: str
    line: int
    cite: str
    text: str
    window: str
    link_on: dt.date | None     # the date provision links show (None: the current version)
    kind: str                   # rule | fact | constraint | disabled
    uses: list[str] = field(default_factory=list)          # rules defining what the body reads
    used_by: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)         # scenario facts read, in words
    parameters: list[str] = field(default_factory=list)    # parameter slugs looked up
    defines: list[str] = field(default_factory=list)       # parameter slugs this rule's facts set
    scenarios: list[tuple[str, str]] = field(default_factory=list)   # (path, title) that fire it
    every_scenario: bool = False   # fires in the scenario-independent part of the model
    disabled_by: str = ""


@dataclass
class PolicyFile:
    name: str
    folder: str
    heading: str
    about: str
    rules: list[str] = field(default_factory=list)


@dataclass
class SiteData:
    version: str
    files: list[PolicyFile]
    rules: dict[str, RuleInfo]
    parameters: dict[str, Parameter]
    scenario_count: int

    @property
    def folders(self) -> list[tuple[str, list[PolicyFile]]]:
        out: dict[str, list[PolicyFile]] = {}
        for f in self.files:
            out.setdefault(f.folder, []).append(f)
        return list(out.items())


def slug(name: str, taken: set[str]) -> str:
    """A file name for `name` (lower-case letters, digits, '_', '.', '-'), unique among `taken`."""
    base = SLUG_RE.sub("-", name.lower()).strip("-.") or "item"
    s, n = base, 2
    while s in taken:
        s, n = f"{base}-{n}", n + 1
    taken.add(s)
    return s


def date_text(n: int) -> str:
    if n in (0, FOREVER):
        return "open"
    try:
        return dates.from_int(n).isoformat()
    except ValueError:
        return str(n)


def heading(text: str) -> tuple[str, str]:
    """A policy file's heading (the first line of its `%%` header) and the rest of that header."""
    header: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("%%"):
            header.append(s[2:].strip())
        elif header or s:
            break
    header = [h for h in header if h]
    return (header[0] if header else ""), " ".join(header[1:])


def build(policy: Policy, files: list[tuple[str, str]], evaluations: list, scenario_roots: list[Path]) -> SiteData:
    rules = {r.id: _rule_info(r, "rule") for r in policy.rules.values()}
    for rid, r in policy.disabled.items():
        info = _rule_info(r, "disabled")
        info.disabled_by = policy.disabled_by.get(rid, "")
        rules[rid] = info
    constrained = {c.rule.id for c in policy.constraints}
    for rid in constrained:
        rules[rid].kind = "constraint"
    parameters = _parameters(policy, rules)
    _dependencies(policy, rules, parameters)
    _firings(evaluations, rules, scenario_roots)
    by_file: dict[str, list[str]] = {}
    for info in rules.values():
        by_file.setdefault(info.file, []).append(info.id)
    out_files = []
    for name, text in files:
        head, about = heading(text)
        ids = sorted(by_file.get(name, []), key=lambda i: rules[i].line)
        folder = name.rsplit("/", 1)[0] if "/" in name else ""
        out_files.append(PolicyFile(name, folder, head, about, ids))
    return SiteData(policy.version, out_files, rules, parameters, len(evaluations))


def _rule_info(r, kind: str) -> RuleInfo:
    window, text = r.window, r.window_text
    if window is None and (found := body_window(r)) is not None:
        window = found
        text = f"{date_text(found[0])} to {'now' if found[1] == FOREVER else date_text(found[1])} " \
               "(the commencement windows its body reads)"
    # A window that has ended: link the text the rule was written for, as in force on its first
    # day. A rule still in force (or always): the current text, which the rule encodes.
    on = dates.from_int(window[0]) if window and window[0] and window[1] != FOREVER else None
    if r.clauses and all(c.is_fact for c in r.clauses):
        kind = "fact" if kind == "rule" else kind
    return RuleInfo(r.id, r.file, r.line, r.cite, r.text, text, on, kind)


def body_window(r) -> tuple[int, int] | None:
    """The span in which some clause of the rule can fire, from the in-force conditions of its body
    (`in_force(S, Name)`), when every clause has one; None otherwise."""
    spans = []
    for c in r.clauses:
        if c.is_fact:
            continue
        own = [cond.node for cond in c.conds if cond.kind == "in_force"]
        if not own:
            return None
        spans.append((max(f for f, _ in own), min(t for _, t in own)))
    if not spans:
        return None
    return (min(f for f, _ in spans), max(t for _, t in spans))


def _parameters(policy: Policy, rules: dict[str, RuleInfo]) -> dict[str, Parameter]:
    found: dict[str, Parameter] = {}
    taken: set[str] = set()
    for c in policy.by_head.get(("param", 4), []):
        if not c.is_fact:
            continue
        try:
            sym = instantiate(c.head, {})
        except KeyError:
            continue
        name, value, start, end = sym.arguments
        key = str(name)
        prm = found.get(key) or found.setdefault(key, Parameter(key, slug(key, taken)))
        f, t = start.number, end.number
        shown = str(value) if value.type != SymbolType.String else value.string
        on = dates.from_int(f) if f not in (0, FOREVER) else None
        prm.values.append(ParamValue(shown, date_text(f), date_text(t), c.rule.id, c.rule.cite, on))
        if prm.slug not in rules[c.rule.id].defines:
            rules[c.rule.id].defines.append(prm.slug)
    for prm in found.values():
        prm.values.sort(key=lambda v: (v.start, v.end, v.value))
    return dict(sorted(found.items()))


def _dependencies(policy: Policy, rules: dict[str, RuleInfo], parameters: dict[str, Parameter]) -> None:
    """From the parsed bodies: which predicates each rule reads, and which rules define them."""
    windows: dict[str, str] = {}
    for c in policy.by_head.get(("window", 3), []):
        try:
            windows[str(instantiate(c.head, {}).arguments[0])] = c.rule.id
        except KeyError:
            pass
    for rule in policy.rules.values():
        uses: set[str] = set()
        reads: set[str] = set()
        prms: set[str] = set()
        for c in rule.clauses:
            fixed = _fixed_values(c)
            for cond in c.conds:
                for name in IN_FORCE_RE.findall(cond.source) if cond.kind in ("in_force", "neg", "pos") else ():
                    if name in windows:
                        uses.add(windows[name])
                if cond.kind not in ("pos", "neg") or cond.node[0] != "f":
                    continue
                sig = (cond.node[1], len(cond.node[2]))
                if texts.is_input(sig):
                    reads.add(input_words(sig))
                    continue
                if sig == ("p", 3):
                    try:
                        pname = str(instantiate(cond.node[2][1], {}))
                    except (KeyError, IndexError, TypeError, ValueError):
                        pname = None
                    if pname in parameters:
                        prms.add(parameters[pname].slug)
                        parameters[pname].read_by.append(rule.id)
                    continue
                node = _substitute(cond.node, fixed)
                uses.update(d.rule.id for d in policy.by_head.get(sig, []) if may_match(d.head, node))
        uses.discard(rule.id)
        info = rules[rule.id]
        info.uses = sorted(uses)
        info.reads = sorted(reads)
        info.parameters = sorted(prms)
        for used in info.uses:
            rules[used].used_by.append(rule.id)
    for info in rules.values():
        info.used_by = sorted(set(info.used_by))
    for prm in parameters.values():
        prm.read_by = sorted(set(prm.read_by))


def _fixed_values(clause) -> dict[str, tuple]:
    """Variables the clause fixes to a constant (`R = work_focused_interview`)."""
    out = {}
    for cond in clause.conds:
        if cond.kind == "cmp":
            left, guards = cond.node
            if len(guards) == 1 and guards[0][0] == "=":
                right = guards[0][1]
                for a, b in ((left, right), (right, left)):
                    if a[0] == "v" and b[0] in ("f", "n", "s") and not _has_variable(b):
                        out[a[1]] = b
    return out


def _has_variable(t: tuple) -> bool:
    return t[0] == "v" or (t[0] == "f" and any(_has_variable(a) for a in t[2])) or t[0] not in ("f", "n", "s")


def _substitute(t: tuple, fixed: dict) -> tuple:
    if t[0] == "v":
        return fixed.get(t[1], t)
    if t[0] == "f":
        return ("f", t[1], tuple(_substitute(a, fixed) for a in t[2]))
    return t


def may_match(a: tuple, b: tuple) -> bool:
    """Can two term templates stand for the same atom? (A variable or an expression matches anything;
    constants and numbers only themselves.) Keeps `regime(S, work_preparation)` from listing every
    rule that derives some other regime."""
    if a[0] == "v" or b[0] == "v" or a[0] not in ("f", "n", "s") or b[0] not in ("f", "n", "s"):
        return True
    if a[0] != b[0]:
        return False
    if a[0] != "f":
        return a[1] == b[1]
    return a[1] == b[1] and len(a[2]) == len(b[2]) and all(may_match(x, y) for x, y in zip(a[2], b[2]))


DATE_WORDS = {"date_of": "a date the scenario states", "days_since": "days since (or until) a date the scenario states",
              "weekday": "the weekday of a date the scenario states", "years_since": "years since a date the scenario states",
              "months_since": "months since a date the scenario states"}


def input_words(sig: tuple[str, int]) -> str:
    """A scenario fact the rule reads, as the vocabulary words it: "[claimant] couple: ..."."""
    from wfikb import vocabulary as voc
    found = voc.input_predicates().get(sig)
    if found:
        section, f = found
        return f"[{section}] {f.key}: {f.meaning}"
    if sig[0] in DATE_WORDS:
        return DATE_WORDS[sig[0]]
    return {"today": "the date the rules are applied on", "child": "the children the scenario lists",
            "scenario": "the scenario itself"}.get(sig[0], sig[0])


def _firings(evaluations: list, rules: dict[str, RuleInfo], roots: list[Path]) -> None:
    if not evaluations:
        return
    for rid in testing.shared_rules(evaluations[0]):
        if rid in rules:
            rules[rid].every_scenario = True
    for ev in evaluations:
        label = scenario_label(ev.scenario.source, roots)
        for rid in testing.exercised_by(ev):
            if rid in rules:
                rules[rid].scenarios.append((label, ev.scenario.title or ev.scenario.id))
    for info in rules.values():
        info.scenarios.sort()


def scenario_label(source: str, roots: list[Path]) -> str:
    """The scenario's path from the folder it was found in ("scenarios/uc/x.toml"), the same from
    any working folder."""
    p = Path(source).resolve()
    for root in roots:
        r = root.resolve()
        if p == r:
            return r.name
        if r in p.parents:
            return f"{r.name}/{p.relative_to(r).as_posix()}"
    return Path(source).name


def citation_spans(cite: str, on: dt.date | None) -> list[links.Span]:
    return links.spans(cite, on)
