"""Each cell's example as a scenario file (`wfikb diff --exhaustive --save-examples DIR`).

The example is a profile of the cell (contract section-1 shape) with an `[expect]` of its regime and
activity statuses under the changed policy, so `wfikb test DIR --overlay OVERLAY` passes on every file.
Files are written as TOML, headed by the cell's description; all of them are built before any is written.
"""
from __future__ import annotations

import json
from pathlib import Path

from wfikb.errors import InputError


def _scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    return json.dumps(str(v))


def to_toml(example: dict, comment: str = "") -> str:
    """A scenario dict (id, date, claimant with children, ask, expect with activities) as TOML."""
    lines = [f"# {line}" for line in comment.splitlines()]
    lines += [f"id = {_scalar(example['id'])}", f"date = {_scalar(example['date'])}", "", "[claimant]"]
    claimant = example["claimant"]
    lines += [f"{k} = {_scalar(v)}" for k, v in claimant.items() if k != "children"]
    for child in claimant.get("children", []):
        lines += ["", "[[claimant.children]]"] + [f"{k} = {_scalar(v)}" for k, v in child.items()]
    if example.get("ask"):
        lines += ["", "[ask]"] + [f"{k} = {_scalar(v)}" for k, v in example["ask"].items()]
    expect = example.get("expect") or {}
    if expect:
        lines += ["", "[expect]"] + [f"{k} = {_scalar(v)}" for k, v in expect.items() if not isinstance(v, dict)]
        for k, v in expect.items():
            if isinstance(v, dict):
                lines += ["", f"[expect.{k}]"] + [f"{a} = {_scalar(x)}" for a, x in v.items()]
    return "\n".join(lines) + "\n"


def save(cells: list[dict], folder: str | Path, overlay: str | None) -> list[Path]:
    """Write cell-N.toml per cell into folder (made if missing); the paths written."""
    folder = Path(folder)
    texts = []
    for n, cell in enumerate(cells, 1):
        run = f"--change {overlay}" if overlay else "--from-date D1 --to-date D2"
        head = (f"Example of cell {n} of `wfikb diff {run} --exhaustive` ({cell['count']} profiles):\n"
                f"{cell.get('text', '')}\nedits: {', '.join(cell.get('edits') or []) or '-'}\n"
                f"[expect] holds under the changed policy: wfikb test THIS_FILE"
                + (f" --overlay {overlay}" if overlay else " (the law on its date, D2)"))
        texts.append((folder / f"cell-{n}.toml", to_toml(cell["example"], head)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, text in texts:
            path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(folder, None, f"cannot write the examples ({e.strerror or e.__class__.__name__})") from None
    return [p for p, _ in texts]
