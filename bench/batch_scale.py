"""`wfikb batch --explain outcome` over growing generated inputs: peak memory and throughput.

    python bench/batch_scale.py [--sizes 10000,100000,1000000] [--baseline 10000] [--repeats 1] [--jobs 1]

For each size N: generates N records (bench/gen_records.py, seed 1) into a temporary folder, runs
the real command (`python -m wfikb batch IN --out OUT --explain outcome`) in a subprocess with a
temporary, pre-warmed policy cache, and reports its wall time, records per second and peak RSS
(the batch process and its worker processes together, sampled from /proc every 0.2 s).

The in-memory baseline, measured in the same run: the first `--baseline` records of the same
input, parsed, evaluated with one `Engine.evaluate_each` call (one control; a refused record retried without it), each turned into its
`--explain outcome` line (JSON encoding included) and held in a list. Throughput ratio =
baseline records/s / batch records/s (target ≤ 1.3); the peak RSS should stay flat as N grows
(target < 1 GB). Large sizes take long: run them niced in the background.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, machine, median, peak_rss_of, temporary_cache


def baseline(path: Path, n: int) -> float:
    """Seconds for the in-memory batch of the first n records."""
    from wfikb import batch
    from wfikb.engine import Engine
    from wfikb.scenario import from_dict
    engine = Engine(timeout=None)     # 10,000 records in one control can take longer than the CLI default
    with path.open() as fh:
        texts = [next(fh) for _ in range(n)]
    t = time.perf_counter()
    scenarios = [from_dict(json.loads(x), source="bench") for x in texts]
    # evaluate_each, as the batch does: a generated record with contradictory circumstances is
    # refused in its own place (an error line), the others still answered.
    evaluations = engine.evaluate_each(scenarios)
    lines = [json.dumps({"line": i, "error": str(ev)} if isinstance(ev, Exception) else
                        {"line": i, "result": batch.outcome(ev, "outcome")}, ensure_ascii=False,
                        separators=(",", ":")) for i, ev in enumerate(evaluations, 1)]
    secs = time.perf_counter() - t
    assert len(lines) == n
    return secs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--baseline", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=500)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with temporary_cache(), tempfile.TemporaryDirectory(prefix="wfikb-bench-batch-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        inputs = {}
        for n in sizes:
            inputs[n] = tmp / f"in-{n}.jsonl"
            subprocess.run([sys.executable, str(ROOT / "bench" / "gen_records.py"), str(n), str(inputs[n])], check=True)
        subprocess.run([sys.executable, "-m", "wfikb", "rules"], env=env, stdout=subprocess.DEVNULL, check=True)
        base_in = inputs[max(sizes)] if max(sizes) >= args.baseline else inputs[min(sizes)]
        print(f"policy cache: warm (temporary {os.environ['WFIKB_CACHE_DIR']}); jobs {args.jobs}; "
              f"chunk {args.chunk}; repeats {args.repeats}", flush=True)
        base_times, rows = [], []
        for r in range(args.repeats):
            # Rotate: the baseline runs first on even repetitions, last on odd ones.
            order = ["baseline"] + sizes if r % 2 == 0 else sizes + ["baseline"]
            for what in order:
                if what == "baseline":
                    base_times.append(baseline(base_in, args.baseline))
                    print(f"  in-memory batch of {args.baseline}: {base_times[-1]:.1f} s", flush=True)
                    continue
                out = tmp / f"out-{what}.jsonl"
                cmd = [sys.executable, "-m", "wfikb", "batch", str(inputs[what]), "--out", str(out),
                       "--explain", "outcome", "--jobs", str(args.jobs), "--chunk", str(args.chunk)]
                wall, rss_kb, code = peak_rss_of(cmd, env=env, stderr=subprocess.DEVNULL)
                if code != 0:
                    sys.exit(f"batch of {what} failed with status {code}")
                with out.open("rb") as fh:
                    count = sum(1 for _ in fh)
                assert count == what, (count, what)
                rows.append((what, wall, rss_kb))
                print(f"  batch of {what}: {wall:.1f} s, peak RSS {rss_kb / 1024:.0f} MB", flush=True)
                out.unlink()
        base_rate = args.baseline / median(base_times)
        print(f"machine at the end: {machine()}")
        print(f"\nin-memory batch of {args.baseline} (outcome lines, JSON included): "
              f"median {median(base_times):.1f} s = {base_rate:.1f} records/s")
        print(f"{'records':>10} {'wall s':>9} {'records/s':>10} {'peak RSS MB':>12} {'throughput ratio':>17}")
        for n in sizes:
            walls = [w for m, w, _ in rows if m == n]
            rss = max(k for m, _, k in rows if m == n)
            rate = n / median(walls)
            print(f"{n:>10} {median(walls):>9.1f} {rate:>10.1f} {rss / 1024:>12.0f} {base_rate / rate:>16.2f}x")
        print("targets: peak RSS < 1024 MB and flat; throughput ratio (in-memory / streaming) <= 1.3x")


if __name__ == "__main__":
    main()
