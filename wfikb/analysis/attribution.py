"""Attribution: the smallest set of an overlay's edits that causes each changed scenario's change.

For a changed scenario, a set of edit ids causes its change when the shipped policy with only those
edits gives the scenario the same outcome as with the whole overlay. Subsets are tried by size
(each edit alone, then pairs, ...), each subset one policy and one batch of the scenarios still
unattributed; the first size at which a subset reproduces the change is the answer (the first such
subset in the overlay's order). With more than `MAX_EXACT` edits only subsets of up to two edits
are tried and a scenario none of them explains gets the whole overlay, marked `"minimal": false`.
"""
from __future__ import annotations

from itertools import combinations
from pathlib import Path

from wfikb.analysis import edits
from wfikb.analysis.diff import by_change, evaluate, outcome
from wfikb.analysis.edits import Overlay
from wfikb.engine import Engine
from wfikb.errors import WfikbError
from wfikb.loader import Policy, default_policy_dir
from wfikb.loader.source import read_roots
from wfikb.scenario import Scenario

MAX_EXACT = 8


def attribute_edits(base_files: list[tuple[str, str]], overlay: Overlay, scs: list[Scenario],
              after: list[dict]) -> list[dict]:
    """For each scenario (with its outcome under the whole overlay), {"edits": [...], "minimal": bool}."""
    ids = overlay.ids
    out: list[dict | None] = [None] * len(scs)
    pending = list(range(len(scs)))
    sizes = range(1, len(ids) + 1) if len(ids) <= MAX_EXACT else range(1, min(2, len(ids)) + 1)
    unloadable: list[list[str]] = []
    for k in sizes:
        if not pending:
            break
        for subset in combinations(ids, k):
            if not pending:
                break
            if k == len(ids):        # the whole overlay: its outcome is the change itself
                for i in pending:
                    out[i] = {"edits": list(subset), "minimal": True}
                pending = []
                break
            try:
                policy = Policy.from_files(base_files + overlay.text_with(subset))
            except WfikbError:      # e.g. an edit that needs a window another edit declares
                unloadable.append(list(subset))
                continue
            evs = evaluate(Engine(policy, refuse_broken=False), [scs[i] for i in pending])
            still = []
            for i, ev in zip(pending, evs):
                if outcome(ev) == after[i]:
                    out[i] = {"edits": list(subset), "minimal": True}
                else:
                    still.append(i)
            pending = still
    for i in pending:
        out[i] = {"edits": list(ids), "minimal": False}
    return out


def change_report(overlay_path: Path, policy_dirs: list[Path], scs: list[Scenario], attribute: bool = True,
                  on=None, full: bool = True, progress=None) -> dict:
    """The corpus diff of an overlay (`diff.by_change`) with each changed scenario's edits."""
    roots = list(policy_dirs) or [default_policy_dir()]
    ov = edits.read(overlay_path, roots)
    base_files = read_roots(roots)
    base, changed = Policy.from_files(base_files), Policy.from_files(base_files + ov.files)
    report, pairs = by_change(base, changed, scs, full=full, progress=progress, on=on)
    report = {"kind": report["kind"], "overlay": str(overlay_path), "edits": ov.ids, **report}
    changed_idx = [i for i, e in enumerate(report["scenarios"]) if e["changed"]]
    if attribute and changed_idx:
        evaluated = [p.before.scenario for p in pairs]
        found = attribute_edits(base_files, ov, [evaluated[i] for i in changed_idx],
                                [report["scenarios"][i]["after"] for i in changed_idx])
        for i, a in zip(changed_idx, found):
            report["scenarios"][i]["edits"] = a
    return report
