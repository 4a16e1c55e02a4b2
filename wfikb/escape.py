"""The one place user text is made safe to show: on a terminal, in Markdown or in HTML.

Scenario strings (a title, an unknown key's name, a conclusion name, a file name) reach the
output. A newline in them could print a fake line ("Regime: ... wfi voluntary"), a terminal
escape code could hide or recolour the real one, and a bidirectional-override character could
reorder what the reader sees. `printable` shows each such character as a visible escape
(`\\n`, `\\x1b`, `\\u202e`) instead; every renderer and error message passes user text through it.
"""
from __future__ import annotations

import html as _html
import re

# C0 and C1 controls and DEL; line and paragraph separators; bidi marks, embeddings, overrides and
# isolates; the byte-order mark (invisible, and a zero-width no-break space inside text).
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# json.dumps already escapes C0 controls inside strings; its own newlines are indentation.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(m: re.Match) -> str:
    c = m.group()
    n = ord(c)
    return _NAMED.get(c) or (f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}")


def printable(text, markup: bool = False) -> str:
    """`text` with every control character shown as an escape, so it stays on its own line and
    cannot steer the terminal. With `markup`, also `&`, `<` and `>` as HTML entities (Markdown or
    HTML output), so user text cannot open a tag or a link."""
    s = UNSAFE.sub(_visible, str(text))
    return _html.escape(s, quote=False) if markup else s


def json_safe(text: str) -> str:
    """JSON text with the characters `json.dumps(ensure_ascii=False)` leaves raw (DEL, C1 controls,
    separators, bidi controls) written as \\uXXXX escapes: the same JSON values, nothing that can
    steer a terminal when the JSON is printed."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
