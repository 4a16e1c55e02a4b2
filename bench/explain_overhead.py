"""Recording and full explanations against plain clingo on the same policy and facts.

    python bench/explain_overhead.py [--scenarios 10000] [--repeats 3]

Three contenders on the same N corpus scenarios (drawn with replacement, seed 7), each repeated,
the order rotated on every repetition, medians reported, ratios taken within this one run:

- plain: one clingo control with the policy's un-rewritten rules (built by bench/common.py, not
  by wfikb), the scenarios' facts through the backend, ground, solve, read the model's atoms;
- recorded: `Engine.evaluate_batch` (the rewritten policy recording every rule instance, the
  model split per scenario);
- full: recorded, then the contract's result for every scenario (every conclusion's explanation
  tree) encoded as JSON the way `wfikb evaluate --format json` does (`render.to_json`).

Targets (issue 15): recorded ≤ 2x plain, full ≤ 4x plain. A sanity check first confirms that
plain clingo and wfikb derive the same regime, status and sanction-risk atoms for the corpus.
The policy cache is a temporary folder, loaded before timing (warm); loading is not timed.
"""
from __future__ import annotations

import argparse
import gc
import time

from common import ROOT, corpus, ground_and_solve, machine, median, plain_program, rotated, spread, temporary_cache

OUTCOME = {("regime", 2), ("status", 3), ("sanction_risk", 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with temporary_cache():
        from wfikb import render, result as results
        from wfikb.engine import Engine
        from wfikb.facts import scenario_facts
        from wfikb.scenario import load

        engine = Engine(timeout=None)     # 10,000 scenarios in one control can ground past the CLI default
        program = plain_program()
        scenarios = corpus(args.scenarios)
        facts = [scenario_facts(i, sc) for i, sc in enumerate(scenarios)]

        # Sanity: the baseline computes the same outcome (on the distinct corpus scenarios).
        distinct = [load(p) for p in sorted((ROOT / "scenarios").rglob("*.toml"))]
        model = ground_and_solve(program, [scenario_facts(i, sc) for i, sc in enumerate(distinct)])
        plain_out = {str(s) for s in model if (s.name, len(s.arguments)) in OUTCOME}
        wfikb_out = {str(a) for ev in engine.evaluate_batch(distinct) for sig in OUTCOME
                     for a in ev.derivation.atoms_of(sig)}
        agree = plain_out == wfikb_out
        print(f"outcome atoms over the {len(distinct)} corpus scenarios: plain clingo {len(plain_out)}, "
              f"wfikb {len(wfikb_out)}, {'identical' if agree else 'DIFFERENT'}")
        del model
        gc.collect()

        def plain():
            ground_and_solve(program, facts)

        def recorded():
            engine.evaluate_batch(scenarios)

        def full():
            t0 = time.perf_counter()
            evaluations = engine.evaluate_batch(scenarios)
            t1 = time.perf_counter()
            res_secs = json_secs = 0.0
            size = 0
            for ev in evaluations:
                a = time.perf_counter()
                res = results.result(ev)
                b = time.perf_counter()
                size += len(render.to_json(res))
                json_secs += time.perf_counter() - b
                res_secs += b - a
            full.size = size
            return {"evaluate_batch": t1 - t0, "results+trees": res_secs, "json": json_secs}

        times = rotated({"plain": plain, "recorded": recorded, "full": full}, args.repeats)
        n = len(scenarios)
        print(f"machine at the end: {machine()}")
        p, r, f = (median(times[k]) for k in ("plain", "recorded", "full"))
        print(f"scenarios: {n}  rules: {len(engine.policy.rules)}  repeats: {args.repeats} (order rotated)")
        for k, v in times.items():
            print(f"  {k:<24} {spread(v)}")
        print(f"plain clingo ground+solve: {p * 1000 / n:.3f} ms/scenario")
        print(f"recording overhead (recorded / plain): {r / p:.2f}x   (target <= 2x)")
        print(f"full explanations, JSON included (full / plain): {f / p:.2f}x   (target <= 4x)")
        j = median(times["full/json"])
        print(f"  of which JSON encoding: {j / f:.0%} of full ({j * 1000 / n:.3f} ms/scenario, "
              f"{full.size / n / 1024:.1f} KB/scenario)")


if __name__ == "__main__":
    main()
