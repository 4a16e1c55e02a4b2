"""Renderers: the same results and trees as text for people, Markdown, or JSON for scripts.

Every line passes through `escape.printable` (Markdown also escapes markup): scenario strings such
as a title or a conclusion name cannot add a line or steer the terminal."""
from __future__ import annotations

import json

from wfikb.escape import json_safe, printable

from wfikb.explanation import Node, WhyNot

KIND_MARK = {"derived": "", "policy": "", "scenario": "scenario: ", "not": "", "comparison": "check: ",
             "in_force": "", "aggregate": "check: ", "missing": "missing: "}


def to_json(data) -> str:
    """Stable JSON: equal input gives byte-identical output."""
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


# ------------------------------------------------------------------------ trees as text
def tree_lines(node: Node, indent: str = "", seen: set | None = None, depth: int | None = None) -> list[str]:
    """One line per step; a sub-explanation met before is referred back to, not repeated.
    With `depth`, steps deeper than that many levels are summarised as "(N more steps)"."""
    seen = set() if seen is None else seen
    lines = []
    cite = f"  [{node.rule}; {node.citation}]" if node.rule else ""
    key = f"  ({node.key})" if node.key else ""
    lines.append(printable(f"{indent}- {KIND_MARK.get(node.kind, '')}{node.text}{key}{cite}"))
    ident = (node.atom, node.rule)
    if node.children and ident in seen and node.kind == "derived":
        lines[-1] += "  (explained above)"
        return lines
    seen.add(ident)
    if depth is not None and depth <= 0 and node.children:
        n = _count(node) - 1
        lines[-1] += f"  ({n} more step{'s' if n != 1 else ''})"
        return lines
    for child in node.children:
        lines += tree_lines(child, indent + "    ", seen, None if depth is None else depth - 1)
    return lines


def _count(node: Node) -> int:
    return 1 + sum(_count(c) for c in node.children)


def why_not_lines(w: WhyNot, indent: str = "", depth: int | None = None) -> list[str]:
    return [printable(line) for line in _why_not_lines(w, indent, depth)]


def _why_not_lines(w: WhyNot, indent: str, depth: int | None) -> list[str]:
    if w.holds:
        return [f"{indent}{w.atom} holds:"] + tree_lines(w.tree, indent + "  ", depth=depth)
    lines = [f"{indent}{w.text}."]
    for a in w.attempts:
        r = a.clause.rule
        lines.append(f"{indent}  * rule {r.id} [{r.cite}] (in force {r.window_text})")
        lines.append(f"{indent}      would conclude: {a.text}")
        for h in a.held:
            lines.append(f"{indent}      held: {h.text}")
        if a.failed is not None:
            label = {"missing": "failed", "blocked": "blocked", "comparison": "failed",
                     "not_in_force": "failed"}.get(a.reason, a.reason)
            lines.append(f"{indent}      {label}: {a.failed.text}")
            for child in a.failed.children:
                lines += tree_lines(child, indent + "        ", depth=depth)
        for deeper in a.deeper:
            lines += _why_not_lines(deeper, indent + "        ", depth)
    return lines


# ------------------------------------------------------------------------ evaluate as text
def evaluation_text(res: dict, title: str, trees: list[Node], depth: int | None = None) -> str:
    out = [f"Scenario {res['scenario']}" + (f": {title}" if title else ""),
           f"Date {res['date']}    Policy {res['policy']}"]
    out.append(f"Regime: {res['regime'] if res['regime'] else 'none (not a Universal Credit claimant)'}")
    if res["activities"]:
        out.append("")
        out.append("Activities")
        width = max(len(a) for a in res["activities"])
        for act, e in res["activities"].items():
            risk = "sanction risk" if e["sanction_risk"] else "no sanction risk"
            out.append(f"  {act:<{width}}  {e['status'] or '?':<13}  {risk}")
    out.append("")
    out.append("Why")
    seen: set = set()
    for node in trees:
        out.append(f"  {node.atom}")
        out += tree_lines(node, "    ", seen, depth)
    return "\n".join(map(printable, out)) + "\n"


def tree_markdown(node: Node, depth: int = 0) -> list[str]:
    cite = f" — *{node.citation}* (`{node.rule}`)" if node.rule else ""
    key = f" (`{node.key}`)" if node.key else ""
    lines = [printable(f"{'  ' * depth}- {node.text}{key}{cite}", markup=True)]
    for c in node.children:
        lines += tree_markdown(c, depth + 1)
    return lines


def terminal_lines(*texts) -> str:
    """Plain lines for the terminal (CLI messages that carry user text), each made printable."""
    return "\n".join(printable(t) for t in texts)


def markdown_cell(text) -> str:
    """A Markdown table cell: printable, markup escaped, `|` escaped."""
    return printable(text, markup=True).replace("|", "\\|")
