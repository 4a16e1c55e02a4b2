"""Wall time of `wfikb evaluate` and `wfikb explain` on the shipped example, interpreter start included.

    python bench/explain_latency.py [--runs 7]

Each command runs as a user runs it (a subprocess: `python -m wfikb ...`), output discarded:

- warm: the policy cache (a temporary WFIKB_CACHE_DIR) already holds the loaded policy;
- cold: a fresh, empty temporary cache folder for every run (the policy is parsed and rewritten,
  then written to the cache, as on a first run after installing or changing the policy);
- bare: `python -c pass`, the floor every command pays.

Contenders are rotated on every round; medians are reported. Targets (issue 15): warm ≤ 0.2 s,
cold ≤ 0.6 s, for both commands.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from common import EXAMPLE, ROOT, machine, median, spread

BARE = [sys.executable, "-c", "pass"]
COMMANDS = {
    "evaluate": [sys.executable, "-m", "wfikb", "evaluate", str(EXAMPLE)],
    "explain": [sys.executable, "-m", "wfikb", "explain", str(EXAMPLE), "--why", "activity=new_joiners_wfi:mandatory"],
}


def wall(cmd, env) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    runs = ap.parse_args().runs
    base_env = dict(os.environ, PYTHONPATH=str(ROOT))
    base_env.pop("WFIKB_NO_CACHE", None)
    with tempfile.TemporaryDirectory(prefix="wfikb-bench-cache-") as warm_dir, \
            tempfile.TemporaryDirectory(prefix="wfikb-bench-cold-") as cold_root:
        warm_env = dict(base_env, WFIKB_CACHE_DIR=warm_dir)
        subprocess.run(COMMANDS["evaluate"], env=warm_env, stdout=subprocess.DEVNULL, check=True)  # fill it
        contenders = [("bare", BARE, "warm")] + [(f"{name} {mode}", cmd, mode) for name, cmd in COMMANDS.items()
                                                 for mode in ("warm", "cold")]
        times: dict[str, list[float]] = {}
        for r in range(runs):
            order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
            for label, cmd, mode in order:
                env = warm_env
                if mode == "cold":
                    env = dict(base_env, WFIKB_CACHE_DIR=os.path.join(cold_root, f"{label}-{r}"))
                times.setdefault(label, []).append(wall(cmd, env))
    bare = median(times["bare"])
    print(f"machine at the end: {machine()}")
    print(f"runs: {runs} each, order rotated; the shipped example {EXAMPLE.relative_to(ROOT)}")
    for label, _, mode in contenders:
        m = median(times[label])
        target = "" if label == "bare" else f"   target {0.2 if mode == 'warm' else 0.6} s: {m / (0.2 if mode == 'warm' else 0.6):.2f}x of it"
        print(f"  {label:<15} {spread(times[label])}   {m / bare:.1f}x bare start{target}")


if __name__ == "__main__":
    main()
