"""Exhaustive diff of the shipped example overlay, against evaluating profiles one by one, in one run.

    python bench/exhaustive_diff.py [--runs N] [--children 1|2] [--sample N] [--keys K ...]

Prints profiles, changed, cells and the median seconds of `wfikb.analysis.exhaustive.diff` (both policy
versions in one clingo program) over UC on 5 April 2027, then the per-profile cost of the same profiles
through the batch engine (`Engine.evaluate_batch`, both versions, a sample of --sample profiles), and
the ratio of the two per-profile costs. The issue's target is 10^6 profiles in under 10 s; the figures
printed are what this code reaches.
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

from wfikb.analysis.exhaustive import diff  # noqa: E402
from wfikb.analysis.space import Space  # noqa: E402
from wfikb.engine import Engine  # noqa: E402
from wfikb.loader import Policy, default_policy_dir  # noqa: E402

OVERLAY = ROOT / "docs" / "examples" / "overlay-work-preparation-at-3.lp"
ON = dt.date(2027, 4, 5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--children", type=int, default=2)
    ap.add_argument("--sample", type=int, default=1000)
    ap.add_argument("--keys", nargs="*", default=["couple", "responsible_carer", "capability", "children"])
    a = ap.parse_args()
    base = Policy.load([default_policy_dir()])
    changed = Policy.load([default_policy_dir(), OVERLAY])
    keys = tuple(a.keys)
    times, r = [], None
    for _ in range(a.runs):
        t = time.perf_counter()
        r = diff(base, changed, on=ON, keys=keys, max_children=a.children)
        times.append(time.perf_counter() - t)
    secs = statistics.median(times)
    print(f"profiles {r['profiles']}  changed {r['changed']}  cells {len(r['cells'])}  seconds {secs:.2f} (median of {a.runs})")
    print(f"exhaustive: {secs / r['profiles'] * 1e3:.3f} ms per profile (both versions)")
    space = Space.build([base, changed], on=ON, keys=keys, max_children=a.children)
    n = min(a.sample, space.size)
    step = max(1, space.size // n)
    scenarios = [space.scenario(s) for s in range(0, space.size, step)][:n]
    per = []
    for _ in range(a.runs):
        t = time.perf_counter()
        Engine(base).evaluate_batch(scenarios)
        Engine(changed).evaluate_batch(scenarios)
        per.append((time.perf_counter() - t) / len(scenarios))
    engine = statistics.median(per)
    print(f"batch engine: {engine * 1e3:.3f} ms per profile (both versions, sample of {len(scenarios)})")
    print(f"ratio engine / exhaustive per profile: {engine / (secs / r['profiles']):.1f}")
    print(f"10^6 profiles at this rate: {secs / r['profiles'] * 1e6:.0f} s exhaustive, {engine * 1e6:.0f} s engine")


if __name__ == "__main__":
    main()
