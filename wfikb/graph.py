"""Explanation nodes in one JSON document, each given once (contract 1.2 section 3).

Trees share nodes (`wfikb.explanation.Node`); a document writes each in full the first time it is
met, with an `id`, and afterwards only `{"ref": ID}` inside a `because` list. `unfold` turns such a
document back into plain nested trees.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wfikb.explanation import Node

class Fold:
    """One JSON document's explanation nodes (contract 1.2 section 3): every node carries an `id`;
    a node already given in full appears again only as {"ref": ID}, and only inside a `because`
    list. Entries outside `because` (a conclusion, a why-not's held and failed conditions) always
    carry their header, with children folded."""

    def __init__(self):
        self.ids: dict[tuple, str] = {}
        self.count = 0

    def entry(self, node: Node) -> dict:
        self.count += 1
        ident = str(self.count)
        self.ids.setdefault(node.ident, ident)
        return {"id": ident, **node.header(), "because": [self.inner(c) for c in node.children]}

    def inner(self, node: Node) -> dict:
        known = self.ids.get(node.ident)
        return {"ref": known} if known else self.entry(node)


def unfold(entries: list[dict]) -> list[dict]:
    """Folded JSON entries (conclusions, in document order) as plain nested trees, each
    {"ref": ID} replaced by a copy of the node given in full under that id."""
    full: dict[str, dict] = {}

    def expand(d: dict) -> dict:
        if "ref" in d:
            return expand_known(full[d["ref"]])
        full.setdefault(d["id"], d)
        return {**d, "because": [expand(c) for c in d["because"]]}

    def expand_known(d: dict) -> dict:
        return {**d, "because": [expand(c) for c in d["because"]]}
    return [expand(e) for e in entries]
