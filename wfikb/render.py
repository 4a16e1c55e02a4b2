"""Renderers: the same results and trees as text for people, Markdown, or JSON for scripts.

Every rendering gives each explanation node once: JSON by reference (`{"ref": ID}`, see
`graph.Fold`), text and Markdown by number ("see [3] above").

Every line passes through `escape.printable` (Markdown also escapes markup), and JSON through
`escape.json_safe`: scenario strings such as a title or a conclusion name cannot add a line or
steer the terminal."""
from __future__ import annotations

import json

from wfikb.escape import json_safe, printable
from wfikb.explanation import Node, WhyNot
from wfikb.model import Regime, Status

KIND_MARK = {"derived": "", "policy": "", "parameter": "", "scenario": "scenario: ", "not": "",
             "comparison": "check: ", "in_force": "", "aggregate": "check: ", "missing": "missing: "}


def to_json(data, pretty: bool = False) -> str:
    """Stable JSON, compact unless `pretty`: equal input gives byte-identical output."""
    if pretty:
        return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    return json_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) + "\n"


class Numbers:
    """Numbers of the steps already shown in full in one text, so a repeat can refer back."""

    def __init__(self):
        self.of: dict[tuple, int] = {}

    def first(self, node: Node) -> int | None:
        """The node's new number if it is shown in full now, None if it was shown before."""
        if node.ident in self.of:
            return None
        self.of[node.ident] = len(self.of) + 1
        return self.of[node.ident]


# ------------------------------------------------------------------------ trees as text
def tree_lines(node: Node, indent: str = "", seen: Numbers | None = None, depth: int | None = None) -> list[str]:
    """One line per step; a step with its own reasons is numbered, and met again it is referred back
    to ("see [3] above"), not repeated. With `depth`, steps deeper than that many levels are
    summarised as "(N more steps)"."""
    seen = Numbers() if seen is None else seen
    cite = f"  [{node.rule}; {node.citation}]" if node.rule else ""
    key = f"  ({node.key})" if node.key else ""
    if not node.children:
        return [printable(f"{indent}- {KIND_MARK.get(node.kind, '')}{node.text}{key}{cite}")]
    if node.ident in seen.of:
        return [printable(f"{indent}- {node.text}  (see [{seen.of[node.ident]}] above)")]
    if depth is not None and depth <= 0:
        # summarised, not shown in full: left unnumbered so that nothing refers back to it
        n = _count(node, set()) - 1
        return [printable(f"{indent}- {KIND_MARK.get(node.kind, '')}{node.text}{key}{cite}  ({n} more step{'s' if n != 1 else ''})")]
    line = f"{indent}- [{seen.first(node)}] {KIND_MARK.get(node.kind, '')}{node.text}{key}{cite}"
    lines = [printable(line)]
    for child in node.children:
        lines += tree_lines(child, indent + "    ", seen, None if depth is None else depth - 1)
    return lines


def _count(node: Node, done: set) -> int:
    """Distinct steps under node (a step shared by two branches counts once)."""
    if node.ident in done:
        return 0
    done.add(node.ident)
    return 1 + sum(_count(c, done) for c in node.children)


def why_not_lines(w: WhyNot, indent: str = "", depth: int | None = None, seen: Numbers | None = None) -> list[str]:
    seen = Numbers() if seen is None else seen
    if w.holds:
        return [printable(f"{indent}{w.atom} holds:")] + tree_lines(w.tree, indent + "  ", seen, depth=depth)
    lines = [printable(f"{indent}{w.text}.")]
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
                lines += tree_lines(child, indent + "        ", seen, depth=depth)
        for deeper in a.deeper:
            lines += why_not_lines(deeper, indent + "        ", depth, seen)
    return [printable(line) for line in lines]


# ------------------------------------------------------------------------ evaluate as text
def evaluation_text(res: dict, title: str, trees: list[Node], depth: int | None = None,
                    full: bool = False, reasons: dict[str, Node] | None = None, source: str = "FILE") -> str:
    """The outcome first (regime, each activity's status and sanction risk, one reason each citing
    the decisive provision, the other conclusions by name); the derivation only with `full` or
    `depth`."""
    out = [f"Scenario {res['scenario']}" + (f": {title}" if title else ""),
           f"Date {res['date']}    Policy {res['policy']}"]
    regime = Regime(res["regime"]).words() if res["regime"] else "none (not a Universal Credit claimant)"
    out.append(f"Regime: {regime}")
    if res["activities"]:
        out += ["", "Activities"]
        width = max(len(a) for a in res["activities"])
        status_width = max(13, *(len(Status.status_words(e["status"])) for e in res["activities"].values()))
        for act, e in res["activities"].items():
            risk = "sanction risk" if e["sanction_risk"] else "no sanction risk"
            out.append(f"  {act:<{width}}  {Status.status_words(e['status']):<{status_width}}  {risk}")
            reason = (reasons or {}).get(act)
            if reason is not None:
                out.append(f"  {'':<{width}}  because {_lower_first(reason.text)} [{_short_cite(reason)}]")
    others = [t.atom for t in trees if not t.atom.startswith(("regime=", "activity=", "sanction_risk="))]
    if others:
        out += ["", f"Other conclusions ({len(others)})"] + [f"  {name}" for name in others]
    if not full and depth is None:
        out += ["", f"Full derivation: wfikb evaluate {source} --full (or --depth N)"]
        return "\n".join(map(printable, out)) + "\n"
    out += ["", "Why"]
    seen = Numbers()
    for node in trees:
        out.append(f"  {node.atom}")
        out += tree_lines(node, "    ", seen, depth)
    return "\n".join(map(printable, out)) + "\n"


def decisive(status_tree: Node) -> Node:
    """The provision that decided a status: the first derived condition of the status rule (what
    permits, exempts or forbids), or the status rule itself when it decides by default."""
    return next((c for c in status_tree.children if c.kind == "derived"), status_tree)


def _short_cite(node: Node) -> str:
    first = (node.citation or "").split(";")[0].strip()
    return f"{node.rule}: {first}" if first else str(node.rule)


def _lower_first(text: str) -> str:
    """A sentence continued after "because" (an acronym such as ESA keeps its capitals)."""
    word = text.split(" ", 1)[0]
    return text if len(word) > 1 and word.isupper() else text[:1].lower() + text[1:]


def tree_markdown(node: Node, depth: int = 0, seen: Numbers | None = None) -> list[str]:
    seen = Numbers() if seen is None else seen
    cite = f" — *{node.citation}* (`{node.rule}`)" if node.rule else ""
    key = f" (`{node.key}`)" if node.key else ""
    if not node.children:
        return [printable(f"{'  ' * depth}- {node.text}{key}{cite}", markup=True)]
    number = seen.first(node)
    if number is None:
        return [printable(f"{'  ' * depth}- {node.text} (see [{seen.of[node.ident]}] above)", markup=True)]
    lines = [printable(f"{'  ' * depth}- [{number}] {node.text}{key}{cite}", markup=True)]
    for c in node.children:
        lines += tree_markdown(c, depth + 1, seen)
    return lines


def terminal_lines(*texts) -> str:
    """Plain lines for the terminal (CLI messages that carry user text), each made printable."""
    return "\n".join(printable(t) for t in texts)


def markdown_cell(text) -> str:
    """A Markdown table cell: printable, markup escaped, `|` escaped."""
    return printable(text, markup=True).replace("|", "\\|")
