"""Size of the JSON result of the shipped example, and how it is spent.

    python bench/json_size.py [FILE]

Prints the bytes of `wfikb evaluate FILE --format json` (the command's own output, whatever
encoding it uses by default), of the same object encoded compactly and with indent=2, the number
of explanation nodes (objects with a "text") and of distinct ones, and the `wfikb batch` line for
each --explain level. Target (issue 15): ≤ 25 KB for the shipped example, same information.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import EXAMPLE, ROOT, temporary_cache


def nodes(obj, out: list):
    if isinstance(obj, dict):
        if "text" in obj:
            out.append(obj)
        for v in obj.values():
            nodes(v, out)
    elif isinstance(obj, list):
        for v in obj:
            nodes(v, out)
    return out


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE
    with temporary_cache(), tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        out = subprocess.run([sys.executable, "-m", "wfikb", "evaluate", str(path), "--format", "json"],
                             env=env, capture_output=True, check=True).stdout
        res = json.loads(out)
        compact = json.dumps(res, ensure_ascii=False, separators=(",", ":")).encode()
        indented = json.dumps(res, ensure_ascii=False, indent=2).encode()
        found = nodes(res["conclusions"], [])
        distinct = {json.dumps(n, sort_keys=True) for n in found}
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        print(f"  wfikb evaluate --format json: {len(out):>8} bytes ({len(out) / 1024:.1f} KB)   target <= 25 KB: "
              f"{len(out) / 1024 / 25:.2f}x of it")
        print(f"  same object, compact:         {len(compact):>8} bytes ({len(compact) / 1024:.1f} KB)")
        print(f"  same object, indent=2:        {len(indented):>8} bytes ({len(indented) / 1024:.1f} KB)")
        print(f"  explanation nodes: {len(found)}, distinct subtrees: {len(distinct)}")
        src = Path(tmp) / "one.jsonl"
        src.write_text(json.dumps(json.loads(json.dumps(_raw(path), default=str))) + "\n")
        for level in ("none", "outcome", "full"):
            dest = Path(tmp) / f"{level}.jsonl"
            subprocess.run([sys.executable, "-m", "wfikb", "batch", str(src), "--out", str(dest), "--explain", level],
                           env=env, check=True, stderr=subprocess.DEVNULL)
            print(f"  wfikb batch --explain {level:<8} {dest.stat().st_size:>8} bytes per record")


def _raw(path: Path) -> dict:
    from wfikb.scenario import load
    return load(path).raw


if __name__ == "__main__":
    main()
