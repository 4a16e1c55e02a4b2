"""What every benchmark here shares: an honest timer, a temporary policy cache, the corpus, and the
plain (un-rewritten) policy program to compare against.

Honest means: each measurement is repeated, the order of the contenders is rotated on every
repetition (so none always runs first, on a cold CPU cache, or last, on a fragmented heap), the
median is reported, and ratios are taken between contenders measured in the same run. Timings
are never asserted in tests.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import clingo
from clingo import ast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "scenarios" / "examples" / "wrag-appellant-new-joiners.toml"


@contextlib.contextmanager
def temporary_cache():
    """A fresh, empty WFIKB_CACHE_DIR for the duration (so 'warm' and 'cold' are explicit)."""
    old = os.environ.get("WFIKB_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="wfikb-bench-cache-") as d:
        os.environ["WFIKB_CACHE_DIR"] = d
        os.environ.pop("WFIKB_NO_CACHE", None)
        try:
            yield Path(d)
        finally:
            if old is None:
                os.environ.pop("WFIKB_CACHE_DIR", None)
            else:
                os.environ["WFIKB_CACHE_DIR"] = old


def rotated(contenders: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Run each contender `repeats` times, rotating the order each round; wall seconds per run.
    A contender may return a dict of sub-timings {name: seconds}; they are collected as 'name/sub'."""
    names = list(contenders)
    times: dict[str, list[float]] = {}
    for r in range(repeats):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            gc.collect()
            t = time.perf_counter()
            extra = contenders[name]()
            times.setdefault(name, []).append(time.perf_counter() - t)
            if isinstance(extra, dict):
                for sub, secs in extra.items():
                    times.setdefault(f"{name}/{sub}", []).append(secs)
    return times


def machine() -> str:
    """The conditions of a measurement: cores and load (other work on the machine inflates times)."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} (1 min) {five:.1f} (5 min)"


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def spread(xs: list[float]) -> str:
    return f"median {median(xs):.3f} s (min {min(xs):.3f}, max {max(xs):.3f}, n={len(xs)})"


def corpus(n: int, seed: int = 7):
    """n scenarios drawn (with replacement, seeded) from the shipped corpus."""
    from wfikb.scenario import load
    base = [load(p) for p in sorted((ROOT / "scenarios").rglob("*.toml"))]
    rnd = random.Random(seed)
    return [rnd.choice(base) for _ in range(n)]


# ------------------------------------------------------------------------------ the plain program
ANNOT = re.compile(r"^\s*%\s*@(rule|in_force)\b\s*(.*?)\s*$")
WINDOW = re.compile(r"(\d{4}-\d{2}-\d{2})?\s*\.\.\s*(\d{4}-\d{2}-\d{2})?")


def _ymd(text: str | None, default: int) -> int:
    return int(dt.date.fromisoformat(text).strftime("%Y%m%d")) if text else default


def plain_program(roots: list[Path] | None = None) -> str:
    """The policy's rules as written, for plain clingo: no recording of rule instances.

    Built here, not by wfikb, so the baseline does not depend on the code it measures. A rule
    whose annotation has `@in_force FROM..TO` gets the same date test wfikb gives it (today's
    date within the window), so both programs derive the same conclusions; once the policy states
    its windows in the rule bodies, there is nothing to add and the files are used as they are."""
    from wfikb.loader import default_policy_dir
    roots = roots or [default_policy_dir()]
    out: list[str] = []
    windowed = False
    for root in roots:
        for path in sorted(Path(root).rglob("*.lp")):
            text = path.read_text(encoding="utf-8")
            windows: list[tuple[int, tuple[int, int] | None]] = []   # (line of @rule, window)
            for no, line in enumerate(text.splitlines(), 1):
                m = ANNOT.match(line)
                if m and m.group(1) == "rule":
                    windows.append((no, None))
                elif m and windows:
                    w = WINDOW.fullmatch(m.group(2))
                    windows[-1] = (windows[-1][0], (_ymd(w.group(1), 0), _ymd(w.group(2), 99991231)))

            def add(st):
                nonlocal windowed
                if st.ast_type != ast.ASTType.Rule or not st.body:
                    out.append(str(st))
                    return
                window = None
                for no, w in windows:
                    if no < st.location.begin.line:
                        window = w
                if window is None:
                    out.append(str(st))
                    return
                windowed = True
                lit = f"_plain_in_force(S, {window[0]}, {window[1]})"
                body = ", ".join([lit] + [str(b) for b in st.body])
                out.append(f"{st.head} :- {body}.")
            ast.parse_string(text, add)
    if windowed:
        out.append("_plain_in_force(S, F, T) :- today(S, D), _plain_window(F, T), F <= D, D <= T.")
        found = set(re.findall(r"_plain_in_force\(S, (\d+), (\d+)\)", "\n".join(out)))
        out += [f"_plain_window({f}, {t})." for f, t in sorted(found)]
    return "\n".join(out) + "\n"


def ground_and_solve(program: str, facts: list[list[clingo.Symbol]], shown: str | None = None):
    """One control: program + facts through the backend, ground, solve; returns the model's symbols."""
    ctl = clingo.Control(["--warn=none", "--models=1"])
    ctl.add("base", [], program)
    if shown:
        ctl.add("base", [], shown)
    with ctl.backend() as be:
        for fs in facts:
            for sym in fs:
                be.add_rule([be.add_atom(sym)])
    ctl.ground([("base", [])])
    model: list = []
    ctl.solve(on_model=lambda m: model.extend(m.symbols(shown=True) if shown else m.symbols(atoms=True)))
    return model


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants now, in KB (0 once it is gone)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def peak_rss_of(cmd: list[str], env=None, interval: float = 0.2, **kw) -> tuple[float, int, int]:
    """Run cmd; (wall seconds, peak resident memory in KB of it and its worker processes together,
    exit status). Sampled from /proc every `interval` seconds: ru_maxrss would not do, since a
    child started by a large process inherits that process's high-water mark on Linux, and it
    leaves out the workers."""
    import subprocess
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, **kw)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(interval)
    return time.perf_counter() - t, peak, proc.returncode
