"""Explained batch evaluation against a plain clingo ground-and-solve of the same policy and facts.

Prints ratios taken in one run (these machines are noisy; never assert timings in tests):

    python bench/explain_overhead.py [--scenarios N]

- record overhead: ground+solve of the rewritten policy (with _fired records) / plain policy
- full explanations: evaluate_batch + every conclusion's tree for every scenario / plain policy
- per-scenario control: one control per scenario / one control for the batch
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import clingo

from wfikb import result as results
from wfikb.engine import Engine
from wfikb.facts import scenario_facts
from wfikb.scenario import load

ROOT = Path(__file__).resolve().parent.parent


def corpus(n: int):
    base = [load(p) for p in sorted((ROOT / "scenarios").rglob("*.toml"))]
    rnd = random.Random(7)
    return [rnd.choice(base) for _ in range(n)]


def plain(policy, scenarios) -> float:
    t = time.perf_counter()
    ctl = clingo.Control(["--warn=none"])
    ctl.add("base", [], policy.plain_program_text)
    with ctl.backend() as be:
        for i, sc in enumerate(scenarios):
            for sym in scenario_facts(i, sc):
                be.add_rule([be.add_atom(sym)])
    ctl.ground([("base", [])])
    ctl.solve(on_model=lambda m: m.symbols(atoms=True))
    return time.perf_counter() - t


def recorded(engine, scenarios, explain: bool) -> float:
    t = time.perf_counter()
    evs = engine.evaluate_batch(scenarios)
    if explain:
        for ev in evs:
            results.result(ev)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", type=int, default=2000)
    args = ap.parse_args()
    engine = Engine()
    scenarios = corpus(args.scenarios)
    plain(engine.policy, scenarios[:10])        # warm up
    t_plain = plain(engine.policy, scenarios)
    t_rec = recorded(engine, scenarios, explain=False)
    t_full = recorded(engine, scenarios, explain=True)
    k = min(200, len(scenarios))
    t_one = sum(recorded(engine, [sc], explain=False) for sc in scenarios[:k]) * len(scenarios) / k
    print(f"scenarios: {len(scenarios)}  policy rules: {len(engine.policy.rules)}")
    print(f"plain clingo ground+solve: {t_plain * 1000 / len(scenarios):.3f} ms/scenario")
    print(f"record overhead (rewritten / plain): {t_rec / t_plain:.2f}x")
    print(f"full explanations (every tree / plain): {t_full / t_plain:.2f}x")
    print(f"one control per scenario / one batch control: {t_one / t_rec:.1f}x")


if __name__ == "__main__":
    main()
