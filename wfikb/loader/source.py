"""Turn policy files into clingo statements, refusing anything that reaches outside the given files.

A policy is exactly the text of the files given (the shipped folder, `--policy` folders and
overlays): that text is what the policy version and the cache key hash. So the reader refuses, with
one line naming file and line:
- a file that is not UTF-8 text (NUL bytes, undecodable bytes) or cannot be read;
- `#include` (clingo would read another file while parsing: any file, outside the hash), found by a
  scan that reads comments and strings as clingo's lexer does, before clingo sees the text;
- `#script` (runs code), `#external` (atoms set from outside the scenario), `#const` (overridable
  from clingo's command line), `#program` parts other than `base`, `#show` and every other directive;
- atoms whose predicate starts with `_`: those names are the engine's own (`_fired`, `_in_force`,
  `_window`), and a policy that defined or read them could forge the record explanations rest on.
"""
from __future__ import annotations

import re
from pathlib import Path

from clingo import ast
from clingo.ast import ASTType

from wfikb.errors import PolicyError

RESERVED_PREFIX = "_"

_REFUSED = {
    ASTType.Script: "#script is not allowed: a policy file cannot run code",
    ASTType.External: "#external is not allowed: every input comes from the scenario",
    ASTType.Definition: "#const is not allowed: use a named, dated param/4 fact",
    ASTType.ShowSignature: "#show is not allowed: the engine decides what leaves the solver",
    ASTType.ShowTerm: "#show is not allowed: the engine decides what leaves the solver",
}
_BEFORE_PARSING = {"include": "#include is not allowed: a policy is exactly the files given",
                   "script": _REFUSED[ASTType.Script]}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RESERVED_NAME = re.compile(r"(?<![A-Za-z0-9_'])_+[a-z]")
_DIRECTIVE = re.compile(r"#([A-Za-z_][A-Za-z0-9_]*)")


def display_name(name: str) -> str:
    """A file name as it can be printed on one line (control characters and undecodable bytes escaped)."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


def read_roots(roots: list[Path]) -> list[tuple[str, str]]:
    """(name, text) of every .lp file of each root (a folder, read recursively, or one file), in order."""
    files = []
    for root in roots:
        root = Path(root)
        paths = sorted(root.rglob("*.lp")) if root.is_dir() else [root]
        if not paths:
            raise PolicyError(f"{display_name(str(root))}: no .lp policy files found")
        for p in paths:
            name = f"{root.name}/{p.relative_to(root).as_posix()}" if root.is_dir() else p.name
            files.append((display_name(name), decode(display_name(name), _read_bytes(p, name))))
    return files


def _read_bytes(p: Path, name: str) -> bytes:
    try:
        return p.read_bytes()
    except OSError as e:
        raise PolicyError(f"{display_name(name)}: cannot read the file: {e.strerror or e}") from None


def decode(name: str, data: bytes) -> str:
    """The file's text: UTF-8 (a leading byte-order mark is dropped), no NUL bytes."""
    if b"\0" in data:
        line = data[:data.index(b"\0")].count(b"\n") + 1
        raise PolicyError(f"{name}:{line}: a NUL byte: expected a UTF-8 text .lp file, not a binary file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise PolicyError(f"{name}:{line}: byte 0x{data[e.start]:02x} is not UTF-8: expected a UTF-8 text .lp file") \
            from None
    return text[1:] if text.startswith("\ufeff") else text


def parse(name: str, text: str) -> list:
    """The file's rules and facts as clingo AST (comments and `#program base.` left out)."""
    if "\0" in text:
        raise PolicyError(f"{name}:{text[:text.index(chr(0))].count(chr(10)) + 1}: a NUL byte: expected a UTF-8 "
                          "text .lp file, not a binary file")
    if "#include" in text or "#script" in text:
        # Refused before clingo reads the text: it follows an #include while parsing, and reads a
        # script's code as it stands (where a comment or string is not what it seems to this scan).
        for line, word in directives(text):
            if word in _BEFORE_PARSING:
                raise PolicyError(f"{name}:{line}: {_BEFORE_PARSING[word]}")
    statements: list = []
    messages: list[str] = []
    try:
        ast.parse_string(text, statements.append, logger=lambda code, msg: messages.append(msg), message_limit=5)
    except RuntimeError:
        detail = messages[0].strip().splitlines()[0] if messages else "syntax error"
        detail = re.sub(r"^<string>:", lambda m: f"{name}:", detail).replace(": error: ", ": ", 1)
        raise PolicyError(detail if detail.startswith(name) else f"{name}: {detail}") from None
    # Only a file that has a name starting with '_' somewhere (perhaps in a comment) needs the
    # slower search through each statement's atoms.
    maybe_reserved = _RESERVED_NAME.search(text) is not None
    out = []
    for st in statements:
        line = st.location.begin.line
        if st.location.begin.filename != "<string>":   # should the scan above ever miss an #include
            raise PolicyError(f"{name}: {_BEFORE_PARSING['include']}")
        t = st.ast_type
        if t == ASTType.Comment:
            continue
        if t == ASTType.Program:
            if st.name != "base" or st.parameters:
                raise PolicyError(f"{name}:{line}: #program parts are not allowed in policy files")
            continue
        if t in _REFUSED:
            raise PolicyError(f"{name}:{line}: {_REFUSED[t]}")
        if t != ASTType.Rule:
            raise PolicyError(f"{name}:{line}: only rules and facts are allowed (see docs/authoring.md)")
        if maybe_reserved:
            reserved = _ReservedAtoms()
            reserved(st)
            if reserved.found:
                raise PolicyError(f"{name}:{line}: predicate {reserved.found!r} is reserved: names starting with "
                                  f"'{RESERVED_PREFIX}' belong to the engine")
        out.append(st)
    return out


class _ReservedAtoms(ast.Transformer):
    """Finds an atom whose predicate name starts with '_' anywhere in a statement."""

    def __init__(self):
        self.found: str | None = None

    def visit_SymbolicAtom(self, atom):
        term = atom.symbol
        if term.ast_type == ASTType.UnaryOperation:      # classical negation -p(X)
            term = term.argument
        if term.ast_type == ASTType.Function and term.name.startswith(RESERVED_PREFIX) and not self.found:
            self.found = term.name
        return atom


def directives(text: str):
    """(line, word) of each `#word` outside comments and strings, read as clingo's lexer reads them:
    `%` to the end of the line, `%* ... *%` nested, strings end at an unescaped quote (an unterminated
    string is only its quote, as clingo resumes right after it)."""
    i, n, line = 0, len(text), 1
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch == "%":
            if text.startswith("%*", i):
                depth, i = 1, i + 2
                while i < n and depth:
                    if text.startswith("%*", i):
                        depth, i = depth + 1, i + 2
                    elif text.startswith("*%", i):
                        depth, i = depth - 1, i + 2
                    else:
                        line += text[i] == "\n"
                        i += 1
            else:
                j = text.find("\n", i)
                i = n if j < 0 else j
        elif ch == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" and j + 1 < n and text[j + 1] != "\n" else 1
            i = j + 1 if j < n and text[j] == '"' else i + 1
        elif ch == "#":
            m = _DIRECTIVE.match(text, i)
            if m:
                yield line, m.group(1)
                i = m.end()
            else:
                i += 1
        else:
            i += 1
