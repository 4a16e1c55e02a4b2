"""Wall time of `wfikb evaluate` and `wfikb explain` on the shipped example, interpreter start included.

    python bench/explain_latency.py [--runs 7] [--against DIR]

Each command runs as a user runs it (a subprocess: `python -m wfikb ...`), output discarded:

- warm: the policy cache (a temporary WFIKB_CACHE_DIR) already holds the loaded policy;
- cold: a fresh, empty temporary cache folder for every run (the policy is parsed and rewritten,
  then written to the cache, as on a first run after installing or changing the policy);
- bare: `python -c pass`, the floor every command pays.

With `--against DIR` (another checkout, e.g. `git worktree add /tmp/before main`), the same commands
also run from DIR's code (`PYTHONPATH=DIR`, its own caches) in the same rounds, so before and after
are compared within one run. Contenders are rotated on every round; medians are reported. Targets (issue 15): warm ≤ 0.2 s,
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
    ap.add_argument("--against", metavar="DIR", help="another checkout to measure in the same rounds")
    args = ap.parse_args()
    runs = args.runs
    roots = {"": ROOT} | ({" (against)": os.path.abspath(args.against)} if args.against else {})
    with tempfile.TemporaryDirectory(prefix="wfikb-bench-cache-") as warm_root, \
            tempfile.TemporaryDirectory(prefix="wfikb-bench-cold-") as cold_root:
        envs = {}
        for tag, root in roots.items():
            base_env = dict(os.environ, PYTHONPATH=str(root))
            base_env.pop("WFIKB_NO_CACHE", None)
            warm_env = dict(base_env, WFIKB_CACHE_DIR=os.path.join(warm_root, f"w{len(envs)}"))
            subprocess.run(COMMANDS["evaluate"], env=warm_env, stdout=subprocess.DEVNULL, check=True)  # fill it
            envs[tag] = (base_env, warm_env)
        contenders = [("bare", BARE, "warm", "")] + [(f"{name} {mode}{tag}", cmd, mode, tag) for tag in roots
                                                     for name, cmd in COMMANDS.items() for mode in ("warm", "cold")]
        times: dict[str, list[float]] = {}
        for r in range(runs):
            order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
            for label, cmd, mode, tag in order:
                base_env, env = envs[tag]
                if mode == "cold":
                    env = dict(base_env, WFIKB_CACHE_DIR=os.path.join(cold_root, f"{label}-{r}"))
                times.setdefault(label, []).append(wall(cmd, env))
    bare = median(times["bare"])
    print(f"machine at the end: {machine()}")
    print(f"runs: {runs} each, order rotated; the shipped example {EXAMPLE.relative_to(ROOT)}")
    for label, _, mode, tag in contenders:
        m = median(times[label])
        target = "" if label == "bare" else f"   target {0.2 if mode == 'warm' else 0.6} s: {m / (0.2 if mode == 'warm' else 0.6):.2f}x of it"
        print(f"  {label:<26} {spread(times[label])}   {m / bare:.1f}x bare start{target}")
    if args.against:
        for name in COMMANDS:
            for mode in ("warm", "cold"):
                a, b = median(times[f"{name} {mode}"]), median(times[f"{name} {mode} (against)"])
                print(f"  {name} {mode}: this checkout / against = {a / b:.2f}")


if __name__ == "__main__":
    main()
