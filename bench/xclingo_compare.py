"""wfikb's explanations against xclingo's on the same policy and scenarios: every conclusion's tree.

    python bench/xclingo_compare.py --xclingo /work/wt/xclingo-venv/bin/xclingo \\
        [--scenarios 1000,10000] [--repeats 3] [--limit 900]

xclingo is never a dependency of wfikb: install it in a virtual environment of its own
(`python3 -m venv /work/wt/xclingo-venv && /work/wt/xclingo-venv/bin/pip install xclingo`) and
give its command with --xclingo. For each size N (corpus scenarios drawn with replacement, seed 7):

- wfikb: `Engine.evaluate_batch`, then every scenario's contract result (every conclusion's
  explanation tree, built from the solver's records) encoded as JSON, in this process;
- xclingo: the command `xclingo -n 1 1 --auto-tracing all PROGRAM` in a subprocess (its own
  interpreter start included; about 0.3 s, small beside these sizes), where PROGRAM is the plain
  policy (bench/common.py), the scenarios' facts as text, and `%!show_trace` for the same outputs
  (regime/2, status/3, sanction_risk/2, conclude/3): xclingo derives one explanation tree for each
  of those atoms, every rule labelled (auto-tracing), as wfikb gives one tree per conclusion.

The facts are written as ASP text (xclingo reads files) from the shipped corpus only, never from a
user's file. Each contender is repeated, the order rotated, the median reported; xclingo runs
under a time limit (--limit seconds) and a run that does not finish is reported as such, with no
ratio. The ratio is xclingo / wfikb, measured in this one run. Both sides first check they explain
the same number of conclusions (on the smallest size).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from clingo import ast

from common import corpus, machine, median, plain_program, temporary_cache

SHOW = ["regime(S,R)", "status(S,A,X)", "sanction_risk(S,A)", "conclude(S,K,V)"]


class _Named(ast.Transformer):
    """`_` in a positive body atom becomes a named variable: xclingo's translation makes anonymous
    variables unsafe there. (Under `not` and in aggregates `_` stays: a name would be unsafe.)"""
    def __init__(self):
        self.n = 0

    def visit_Literal(self, node):
        if node.sign != ast.Sign.NoSign or node.atom.ast_type != ast.ASTType.SymbolicAtom:
            return node
        return node.update(**self.visit_children(node))

    def visit_BodyAggregate(self, node):
        return node

    def visit_Aggregate(self, node):
        return node

    def visit_Variable(self, node):
        if node.name != "_":
            return node
        self.n += 1
        return node.update(name=f"XAnon{self.n}")


def xclingo_program(program: str, facts) -> str:
    named: list[str] = []
    ast.parse_string(program, lambda st: named.append(str(_Named()(st))))
    # The scenario's input predicates are #defined, or clingo's "atom does not occur in any rule
    # head" messages (a scenario that states no `couple`) pass xclingo's limit of messages.
    from wfikb import texts, vocabulary as voc
    inputs = set(voc.input_predicates()) | texts.DATE_PREDICATES | texts.OTHER_INPUTS
    lines = [f"#defined {n}/{a}." for n, a in sorted(inputs)] + named
    for scenario in facts:
        lines.append("\n".join(f"{sym}." for sym in scenario))
    lines += [f"%!show_trace {{{atom}}}." for atom in SHOW]
    return "\n".join(lines) + "\n"


def run_xclingo(cmd: str, path: Path, limit: float) -> tuple[float | None, str]:
    """Wall seconds (None past the limit) and the output."""
    t = time.perf_counter()
    try:
        proc = subprocess.run([cmd, "-n", "1", "1", "--auto-tracing", "all", str(path)], capture_output=True,
                              text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return None, ""
    secs = time.perf_counter() - t
    if proc.returncode not in (0, 10, 30):          # clingo's exit codes for SAT / exhausted
        raise SystemExit(f"xclingo failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
    return secs, proc.stdout


def explained(out: str) -> int:
    """How many atoms xclingo explained: its ascii trees start each with a line '  *'."""
    return len(re.findall(r"^\s*\*\s*$", out, re.M))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xclingo", required=True, help="the xclingo command (in its own virtual environment)")
    ap.add_argument("--scenarios", default="1000,10000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--limit", type=float, default=900.0, help="seconds before an xclingo run is stopped")
    args = ap.parse_args()
    version = subprocess.run([args.xclingo, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"xclingo: {version or '?'}; limit {args.limit:g} s per run; repeats {args.repeats}", flush=True)
    with temporary_cache(), tempfile.TemporaryDirectory(prefix="wfikb-bench-xclingo-") as tmp:
        from wfikb import render, result as results
        from wfikb.engine import Engine
        from wfikb.facts import scenario_facts
        engine = Engine(timeout=None)
        program = plain_program()
        rows = []
        for n in (int(x) for x in args.scenarios.split(",")):
            scenarios = corpus(n)
            path = Path(tmp) / f"program-{n}.lp"
            path.write_text(xclingo_program(program, [scenario_facts(i, sc) for i, sc in enumerate(scenarios)]))
            conclusions = 0

            def wfikb_full():
                nonlocal conclusions
                size = conclusions = 0
                for ev in engine.evaluate_batch(scenarios):
                    res = results.result(ev)
                    conclusions += len(res["conclusions"])
                    size += len(render.to_json(res))
                return size

            times = {"wfikb": [], "xclingo": []}
            unfinished = 0
            out = ""
            for r in range(args.repeats):
                order = ["wfikb", "xclingo"] if r % 2 == 0 else ["xclingo", "wfikb"]
                for who in order:
                    if who == "wfikb":
                        t = time.perf_counter()
                        wfikb_full()
                        times["wfikb"].append(time.perf_counter() - t)
                        print(f"  {n}: wfikb {times['wfikb'][-1]:.1f} s", flush=True)
                    elif not unfinished:       # one run past the limit is enough to know
                        secs, out = run_xclingo(args.xclingo, path, args.limit)
                        if secs is None:
                            unfinished += 1
                            print(f"  {n}: xclingo did not finish in {args.limit:g} s", flush=True)
                        else:
                            times["xclingo"].append(secs)
                            print(f"  {n}: xclingo {secs:.1f} s", flush=True)
            if out:
                print(f"  {n}: conclusions explained: wfikb {conclusions}, xclingo {explained(out)}", flush=True)
            rows.append((n, times, unfinished))
            path.unlink()
    print(f"machine at the end: {machine()}")
    print(f"{'scenarios':>10} {'wfikb s':>9} {'xclingo s':>10} {'xclingo / wfikb':>16}")
    for n, times, unfinished in rows:
        w = median(times["wfikb"])
        if unfinished or not times["xclingo"]:
            print(f"{n:>10} {w:>9.1f} {'> ' + format(args.limit, 'g'):>10} {'(did not finish)':>16}")
        else:
            x = median(times["xclingo"])
            print(f"{n:>10} {w:>9.1f} {x:>10.1f} {x / w:>15.2f}x")


if __name__ == "__main__":
    os.environ.pop("WFIKB_NO_CACHE", None)
    main()
