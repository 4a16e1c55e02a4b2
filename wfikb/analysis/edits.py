"""An overlay as a list of edits, each addressable by id (docs/authoring.md, "Overlays as edits").

A `% @edit ID` line starts an edit; its `% @title` and `% @cite` lines follow, then its statements
(each under its own `@rule` block) and `% @disable` lines, up to the next `@edit`. A file with no
`@edit` line is one edit named after the file. Kinds are read from what an edit holds: `parameter`
(a `param/4` fact: it overrides that parameter within its window), `window` (a `window/3` fact: a commencement declared, usually with the `@disable` of the shipped
one), `disable` (a rule switched off) and `rule` (any other statement: a rule added).

`files(overlay, ids)` gives the overlay's text with only the chosen edits kept (the others' lines
blanked, so line numbers still point into the file), which is how a policy with a subset of the
edits is built for attribution.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from clingo import SymbolType
from clingo.ast import ASTType

from wfikb.errors import InputError, PolicyError
from wfikb.loader import default_policy_dir, source
from wfikb.loader.annotations import DISABLE_RE, EDIT_RE, RULE_ID_RE
from wfikb.loader.load import param_fact
from wfikb.loader.source import display_name, read_roots

TITLE_RE = re.compile(r"^\s*%\s*@title\s+(.*?)\s*$")
CITE_RE = re.compile(r"^\s*%\s*@cite\s+(.*?)\s*$")
HEADER_RE = re.compile(r"^%%\s*(\S.*?)\s*$")   # a file's header: its first line is the edit's title
RULE_RE = re.compile(r"^\s*%\s*@rule\s+(\S+)")


@dataclass
class Edit:
    id: str
    file: str
    line: int
    title: str = ""
    cite: str = ""
    lines: list[int] = field(default_factory=list)      # line numbers (1-based) of the edit's text
    rules: list[str] = field(default_factory=list)      # rule ids it adds
    disables: list[str] = field(default_factory=list)   # rule ids it switches off
    parameters: list[dict] = field(default_factory=list)  # {"name", "value", "from", "to"}
    windows: list[dict] = field(default_factory=list)     # {"name", "from", "to"}: a commencement declared
    statements: int = 0                                 # statements other than param/4 and window/3 facts

    @property
    def kinds(self) -> list[str]:
        out = []
        if self.parameters:
            out.append("parameter")
        if self.windows:
            out.append("window")
        if self.disables:
            out.append("disable")
        if self.statements:
            out.append("rule")
        return out

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "cite": self.cite, "kinds": self.kinds,
                "file": self.file, "line": self.line, "rules": self.rules, "disables": self.disables,
                "parameters": self.parameters, "windows": self.windows}


@dataclass
class Overlay:
    path: Path
    files: list[tuple[str, str]]     # (name, text) as the loader reads them
    edits: list[Edit]

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.edits]

    def text_with(self, ids) -> list[tuple[str, str]]:
        """The overlay's files with only the edits `ids` kept (the others' lines blanked)."""
        keep = set(ids)
        out = []
        for name, text in self.files:
            lines = text.split("\n")
            for e in self.edits:
                if e.file == name and e.id not in keep:
                    for no in e.lines:
                        lines[no - 1] = ""
            out.append((name, "\n".join(lines)))
        return out


def read(path: str | Path, policy_dirs: list[Path] | None = None) -> Overlay:
    """The overlay at `path` (an .lp file or a folder of them) as edits. Refused (InputError) when it
    lies inside a policy folder, reads nothing, or repeats an edit id."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, None, "no such overlay file or folder")
    for d in [default_policy_dir(), *(policy_dirs or [])]:
        d = Path(d).resolve()
        here = path.resolve()
        if here == d or d in here.parents:
            raise InputError(path, None, f"an overlay lies beside, never inside, the policy folder {display_name(str(d))}")
    try:
        files = read_roots([path])
    except PolicyError as e:   # one line naming the file
        raise InputError(path, None, str(e)) from None
    edits: list[Edit] = []
    for name, text in files:
        edits += _edits(name, text)
    seen: dict[str, Edit] = {}
    for e in edits:
        if e.id in seen:
            raise InputError(f"{e.file}:{e.line}", "@edit", f"edit id {e.id!r} is already used at "
                                                            f"{seen[e.id].file}:{seen[e.id].line}")
        seen[e.id] = e
    return Overlay(path, files, edits)


def _edits(name: str, text: str) -> list[Edit]:
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if EDIT_RE.match(line)]
    try:
        statements = source.parse(name, text)
    except PolicyError as e:
        raise InputError(name, None, str(e).split(": ", 1)[-1] if str(e).startswith(name) else str(e)) from None
    if not starts:
        stem = Path(name).name.rsplit(".", 1)[0].lower()
        header = next((m.group(1) for m in map(HEADER_RE.match, lines) if m), "")
        edits = [Edit(re.sub(r"[^a-z0-9_.\-]", "-", stem) or "overlay", name, 1, title=header)]
        bounds = [(0, len(lines))]
    else:
        edits, bounds = [], []
        for k, start in enumerate(starts):
            edit_id = EDIT_RE.match(lines[start]).group(1)
            if not RULE_ID_RE.match(edit_id):
                raise InputError(f"{name}:{start + 1}", "@edit", "expected an id of lowercase letters, digits, "
                                                                 f"'_', '.', '-'; got {edit_id!r}")
            edits.append(Edit(edit_id, name, start + 1))
            bounds.append((start, starts[k + 1] if k + 1 < len(starts) else len(lines)))
        for no in range(starts[0]):
            if DISABLE_RE.match(lines[no]) or RULE_RE.match(lines[no]):
                raise InputError(f"{name}:{no + 1}", "@edit", "expected every rule and @disable inside an "
                                                              "'% @edit ID' block once the file has one")
    for e, (start, end) in zip(edits, bounds):
        _annotations(e, lines, start, end, header=bool(starts))
    for st in statements:
        line = st.location.begin.line
        k = next((k for k, (a, b) in enumerate(bounds) if a < line <= b), None)
        if k is None:
            raise InputError(f"{name}:{line}", "@edit", "expected every statement inside an '% @edit ID' block "
                                                        "once the file has one")
        fact = None if st.body else param_fact(st)
        window = None if st.body or fact else _window_fact(st)
        if window:
            edits[k].windows.append(window)
        elif fact is None:
            edits[k].statements += 1
        else:
            n, v, f, t = fact
            edits[k].parameters.append({"name": str(n), "value": v.number if v.type == SymbolType.Number else str(v),
                                        "from": _iso(f), "to": _iso(t)})
    for e in edits:
        if not e.title:
            e.title = e.rules[0] if e.rules else (f"switch off {', '.join(e.disables)}" if e.disables else e.id)
    return edits


def _annotations(e: Edit, lines: list[str], start: int, end: int, header: bool):
    in_header = header
    for no in range(start, end):
        line = lines[no]
        e.lines.append(no + 1)
        if in_header and not RULE_RE.match(line):
            m = TITLE_RE.match(line)
            if m:
                e.title = m.group(1)
                continue
            m = CITE_RE.match(line)
            if m:
                e.cite = m.group(1)
                continue
        r = RULE_RE.match(line)
        if r:
            in_header = False
            e.rules.append(r.group(1))
            continue
        d = DISABLE_RE.match(line)
        if d:
            e.disables.append(line.split("@disable", 1)[1].strip())


def _window_fact(st) -> dict | None:
    """{"name", "from", "to"} of a `window(Name, From, To).` fact, else None."""
    term = st.head.atom.symbol if st.head.ast_type == ASTType.Literal else None
    if term is None or term.ast_type != ASTType.Function or term.name != "window" or len(term.arguments) != 3:
        return None
    args = [a.symbol if a.ast_type == ASTType.SymbolicTerm else None for a in term.arguments]
    if any(a is None for a in args) or args[1].type != SymbolType.Number or args[2].type != SymbolType.Number:
        return None
    return {"name": str(args[0]), "from": _iso(args[1].number), "to": _iso(args[2].number)}


def _iso(n: int) -> str | None:
    return None if n >= 99991231 else f"{n // 10000:04d}-{n // 100 % 100:02d}-{n % 100:02d}"


def text_lines(ov: Overlay) -> list[str]:
    """`wfikb overlay show` as text: each edit's id, kinds and place, title, citation, contents."""
    lines = []
    for e in ov.edits:
        lines += [f"{e.id}  [{', '.join(e.kinds) or 'empty'}]  ({e.file}:{e.line})", f"    {e.title}"]
        if e.cite:
            lines.append(f"    cite: {e.cite}")
        lines += [f"    parameter {p['name']} = {p['value']} from {p['from'] or '...'} to {p['to'] or 'now'}"
                  for p in e.parameters]
        lines += [f"    window {w['name']} from {w['from'] or '...'} to {w['to'] or 'now'}" for w in e.windows]
        lines += [f"    switches off {r}" for r in e.disables]
        lines += [f"    rule {r}" for r in e.rules]
    return lines
