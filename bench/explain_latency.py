"""Wall time of `wfikb explain` on one scenario, against a bare interpreter start, in one run.

    python bench/explain_latency.py [--runs N]

Prints the median wall time of each, their ratio, and the ratio to the roadmap's 0.3 s budget,
with the policy cache warm (the usual case) and with WFIKB_NO_CACHE=1 (a first run).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "examples" / "wrag-appellant-new-joiners.toml"


def wall(cmd, env=None, runs=5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    explain = [sys.executable, "-m", "wfikb", "explain", str(EXAMPLE), "--why", "activity=new_joiners_wfi:mandatory"]
    bare = wall([sys.executable, "-c", "pass"], runs=runs)
    subprocess.run(explain, stdout=subprocess.DEVNULL, check=True)        # warm the cache
    warm = wall(explain, runs=runs)
    cold = wall(explain, env=dict(os.environ, WFIKB_NO_CACHE="1"), runs=runs)
    print(f"bare interpreter start: {bare:.3f} s")
    print(f"explain, cache warm: {warm:.3f} s  ({warm / bare:.1f}x bare start; {warm / 0.3:.2f}x the 0.3 s budget)")
    print(f"explain, no cache:   {cold:.3f} s  ({cold / bare:.1f}x bare start; {cold / 0.3:.2f}x the 0.3 s budget)")


if __name__ == "__main__":
    main()
