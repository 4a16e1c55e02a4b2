"""Exhaustive diff of the shipped example overlay against evaluating profiles one by one, in one run.

    python bench/exhaustive_diff.py [--runs N] [--sample N] [--children N] [--keys K ...] [--verify-keys K ...]

Each run (repeated --runs times, medians printed): `wfikb.analysis.exhaustive.diff` over UC on 5 April
2027 (default keys of Universal Credit, two child slots: about 3 million profiles), then a sample of
--sample profiles of the same space evaluated one by one through the batch engine
(`Engine.evaluate_batch`, base and changed policy). Prints profiles, changed, cells, seconds, the
per-profile cost of each and their ratio. The issue's target: 10^6 profiles in under 10 s.

--verify-keys K ... (e.g. couple responsible_carer capability children): on that sub-space, every
profile is evaluated through the batch engine before and after, and the exhaustive result must agree
exactly (changed count; each changed profile in exactly one cell with its before/after; no unchanged
profile in a cell). Exit status 1 on any disagreement.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clingo import Function  # noqa: E402

from wfikb.analysis.exhaustive import diff  # noqa: E402
from wfikb.analysis.space import Space  # noqa: E402
from wfikb.engine import Engine  # noqa: E402
from wfikb.errors import RefusedError  # noqa: E402
from wfikb.loader import Policy, default_policy_dir  # noqa: E402

OVERLAY = ROOT / "docs" / "examples" / "overlay-work-preparation-at-3.lp"
ON = dt.date(2027, 4, 5)


def outputs(ev) -> set[str]:
    return {str(Function(a.name, a.arguments[1:])) for a in ev.model.outputs()}


def verify(base, changed, keys, children) -> int:
    """Every profile of the sub-space through the batch engine, against the exhaustive cells."""
    t = time.perf_counter()
    r = diff(base, changed, on=ON, keys=keys, max_children=children)
    t_ex = time.perf_counter() - t
    space = Space.build([base, changed], on=ON, keys=keys, max_children=children)
    scenarios = [space.scenario(s) for s in range(space.size)]
    t = time.perf_counter()
    before, after = [], []
    for i in range(0, len(scenarios), 500):      # batches of 500; a refused profile is no profile
        before += Engine(base, timeout=None).evaluate_each(scenarios[i:i + 500])
        after += Engine(changed, timeout=None).evaluate_each(scenarios[i:i + 500])
    t_en = time.perf_counter() - t
    expected, invalid = {}, set()
    for s, (b, a) in enumerate(zip(before, after)):
        if isinstance(b, RefusedError):
            invalid.add(s)
            continue
        ob, oa = outputs(b), outputs(a)
        if ob != oa:
            expected[s] = (sorted(ob - oa), sorted(oa - ob))
    seen: dict[int, dict] = {}
    errors = r["profiles"] != space.size - len(invalid)
    for cell in r["cells"]:
        members = [s for s in space.members(cell["box"]) if s not in invalid]
        errors += cell["count"] != len(members)
        for s in members:
            if s in seen:
                errors += 1
            seen[s] = cell
    errors += len(set(seen) ^ set(expected))
    errors += sum((seen[s]["before"], seen[s]["after"]) != ba for s, ba in expected.items() if s in seen)
    errors += r["changed"] != len(expected)
    print(f"engine one by one: {t_en / len(scenarios) * 1e3:.3f} ms per profile (both versions, {len(scenarios)} profiles)")
    print(f"verify: {space.size - len(invalid)} profiles ({len(invalid)} refused as contradictory), {len(expected)} changed by the engine, {r['changed']} by the exhaustive "
          f"diff in {len(r['cells'])} cells; disagreements: {errors} (engine {t_en:.1f} s, exhaustive {t_ex:.2f} s)")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--children", type=int, default=2)
    ap.add_argument("--sample", type=int, default=10000)
    ap.add_argument("--keys", nargs="*", default=None, help="claimant keys that vary (default: UC's)")
    ap.add_argument("--verify-keys", nargs="*", default=None)
    a = ap.parse_args()
    base = Policy.load([default_policy_dir()])
    changed = Policy.load([default_policy_dir(), OVERLAY])
    if a.verify_keys:
        sys.exit(1 if verify(base, changed, tuple(a.verify_keys), a.children) else 0)
    keys = tuple(a.keys) if a.keys else None
    space = Space.build([base, changed], on=ON, keys=keys, max_children=a.children)
    n = min(a.sample, space.size)
    step = max(1, space.size // n)
    scenarios = [space.scenario(s) for s in range(0, space.size, step)][:n]
    ex, en, ratios, r = [], [], [], None
    for i in range(a.runs):
        # rotated: the engine first on odd runs, so neither side always runs on a warm machine
        for side in (("ex", "en") if i % 2 == 0 else ("en", "ex")):
            t = time.perf_counter()
            if side == "ex":
                r = diff(base, changed, on=ON, keys=keys, max_children=a.children)
                ex.append(time.perf_counter() - t)
            else:
                for k in range(0, len(scenarios), 500):       # batches of 500, as `wfikb batch` runs them
                    Engine(base, timeout=None).evaluate_batch(scenarios[k:k + 500])
                    Engine(changed, timeout=None).evaluate_batch(scenarios[k:k + 500])
                en.append((time.perf_counter() - t) / len(scenarios))
        ratios.append(en[-1] / (ex[-1] / r["profiles"]))
        print(f"run {i + 1}: exhaustive {ex[-1]:.2f} s, engine {en[-1] * 1e3:.3f} ms/profile", flush=True)
    secs, engine = statistics.median(ex), statistics.median(en)
    print(f"profiles {r['profiles']}  changed {r['changed']}  cells {len(r['cells'])}  seconds {secs:.2f} "
          f"(median of {a.runs}; solver calls {r['solver_calls']})")
    print(f"exhaustive: {secs / r['profiles'] * 1e6:.3f} us per profile (both versions)")
    print(f"batch engine: {engine * 1e3:.3f} ms per profile (both versions, sample of {len(scenarios)})")
    print(f"ratio engine / exhaustive per profile (median of runs): {statistics.median(ratios):,.0f}")
    print(f"the whole space one by one at the engine's rate: {engine * r['profiles'] / 3600:.1f} h")


if __name__ == "__main__":
    main()
