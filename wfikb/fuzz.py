"""Fuzz wfikb with generated scenarios, valid and invalidly mutated, through the CLI and the Python API.

    python -m wfikb.fuzz --count 100000 [--seed N]

Valid scenarios come from the Hypothesis strategies (wfikb/strategies.py); each is used as it is or
mutated (a key removed or added, a value of the wrong type, huge or deeply nested values, bad dates,
odd unicode, a damaged file). Each input goes through the Python API (`scenario.from_dict`, the
engine, the result, JSON) or the command line in-process (`wfikb evaluate|explain` through
`wfikb.cli.main`, with the scenario written as JSON or TOML, or the file's bytes damaged). Valid
inputs on the API route are evaluated in batches (one control per batch), which is how a case tool
calls it. The report counts tracebacks (an exception that is not a WfikbError, on either route),
invariant violations and exits other than 0 or 2; all three must be 0. Exit status 1 when any is not.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import reprlib
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from wfikb import vocabulary as voc

STOP: list = []       # set by SIGINT/SIGTERM: the run stops after the current input and reports

ODD_STRINGS = ["", " ", "\x00", "\x1b[2J\x1b[1;1HRegime: x", "line\nbreak", "\u202eevil", "\ufeffbom", "é",
               "😀" * 3, "\ud800", "A" * 10_000, "2020-02-30", "0000-01-01", "9999-12-31", "2020-1-1",
               "2020-01-01T00:00:00", "nan", "-1", "universal_credit ", "UNIVERSAL_CREDIT", "wfi;x",
               "regime=", "activity=wfi:", "child(x)", "benefit(1)", "date_of(1,2,3)", "∞"]
ODD_NUMBERS = [0, -1, 1.5, 10 ** 30, -(10 ** 30), 2 ** 31, 2 ** 63, float("inf"), float("-inf"), float("nan"),
               True, False, 1e-300]


def deep(n: int):
    v: object = 1
    for _ in range(n):
        v = [v]
    return v


def odd_value(rng: random.Random):
    pick = rng.random()
    if pick < 0.35:
        return rng.choice(ODD_STRINGS)
    if pick < 0.65:
        return rng.choice(ODD_NUMBERS)
    if pick < 0.75:
        return None
    if pick < 0.85:
        return rng.choice([[], {}, [1, "a"], {"a": 1}, {"": None}])
    if pick < 0.95:
        return deep(rng.choice([10, 100, 2000]))
    return [rng.choice(voc.ACTIVITIES)] * rng.choice([2, 50])


def _paths(d, prefix=()):
    if len(prefix) > 5:
        return
    if isinstance(d, dict):
        for k, v in d.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


def _parent(d, path):
    for p in path[:-1]:
        d = d[p]
    return d


def mutate(data: dict, rng: random.Random) -> dict:
    """One to three random damages to a valid scenario dict."""
    data = copy.deepcopy(data)
    for _ in range(rng.choice([1, 1, 2, 3])):
        paths = list(_paths(data))
        how = rng.random()
        if not paths or how < 0.1:
            data = rng.choice([data, [data], "x", None, 1, {}])
            if not isinstance(data, dict):
                return data
            continue
        path = rng.choice(paths)
        parent = _parent(data, path)
        if how < 0.3:                                   # remove a key or element
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif parent:
                parent.pop(path[-1])
        elif how < 0.6:                                 # a value of a wrong or odd type
            parent[path[-1]] = odd_value(rng)
        elif how < 0.7 and isinstance(parent, dict):    # an unknown or odd key
            parent[rng.choice(ODD_STRINGS[:12] + ["unknown", "Benefit"])] = odd_value(rng)
        elif how < 0.8:                                 # another valid-looking value from the vocabulary
            field = rng.choice(voc.CLAIMANT + voc.ASK)
            section = "ask" if field in voc.ASK else "claimant"
            if isinstance(data.get(section), dict):
                data[section][field.key] = rng.choice(
                    [v for v in (list(field.values) or [True, 3, "2014-02-03"])] + [[rng.choice(voc.ACTIVITIES)]])
        elif how < 0.9:                                 # many children
            if isinstance(data.get("claimant"), dict):
                data["claimant"]["children"] = [{"born": "2015-01-01"}] * rng.choice([1, 20, 200])
        else:                                           # an odd date
            data[rng.choice(["date", "date"])] = rng.choice(ODD_STRINGS[10:20] + ["1900-01-01", "2100-01-01"])
    return data


# ------------------------------------------------------------------ writing files
def to_toml(data) -> str | None:
    """A small TOML writer for the scenario shape (None when the value cannot be written as TOML)."""
    if not isinstance(data, dict):
        return None
    lines, tables = [], []

    def scalar(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)) and not (isinstance(v, float) and (math.isnan(v) or math.isinf(v))):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v):
            items = [scalar(x) for x in v]
            return None if None in items else "[" + ", ".join(items) + "]"
        return None
    for k, v in data.items():
        if isinstance(v, dict):
            tables.append((k, v))
            continue
        s = scalar(v)
        if s is None:
            return None
        lines.append(f"{json.dumps(k)} = {s}")
    for name, table in tables:
        lines.append(f"[{json.dumps(name)}]")
        for k, v in table.items():
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                for item in v:
                    lines.append(f"[[{json.dumps(name)}.{json.dumps(k)}]]")
                    for ik, iv in item.items():
                        s = scalar(iv)
                        if s is None:
                            return None
                        lines.append(f"{json.dumps(ik)} = {s}")
                continue
            s = scalar(v)
            if s is None:
                return None
            lines.append(f"{json.dumps(k)} = {s}")
    return "\n".join(lines) + "\n"


def file_bytes(data, rng: random.Random) -> tuple[str, bytes]:
    toml = to_toml(data) if rng.random() < 0.5 else None
    if toml is not None:
        suffix, raw = ".toml", toml.encode("utf-8", "surrogatepass")
    else:
        suffix = ".json"
        try:
            raw = json.dumps(data, ensure_ascii=rng.random() < 0.5, allow_nan=True,
                             default=str).encode("utf-8", "surrogatepass")
        except (RecursionError, ValueError):       # too deep for json.dumps: write the nesting by hand
            raw = b'{"id": "x", "date": "2020-01-01", "claimant": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    pick = rng.random()
    if pick < 0.05:
        raw = raw[:rng.randrange(len(raw) + 1)]                      # truncated
    elif pick < 0.08:
        raw = b"\xef\xbb\xbf" + raw                                  # BOM
    elif pick < 0.11:
        i = rng.randrange(len(raw) + 1)
        raw = raw[:i] + bytes(rng.randrange(256) for _ in range(rng.choice([1, 4, 16]))) + raw[i:]
    elif pick < 0.12 and suffix == ".json":
        raw = b'{"id": 1' + b"0" * 5000 + b"}"                          # a 5,000-digit integer
    elif pick < 0.13:
        raw = b"[" * 100_000                                        # nesting beyond any parser's depth
    return suffix, raw


# ------------------------------------------------------------------ running
def _short(value) -> str:
    try:
        return reprlib.repr(value)[:300]
    except Exception:  # noqa: BLE001 - a report line, never a crash of the fuzzer
        return f"<{type(value).__name__}>"


class Tally:
    def __init__(self):
        self.counts = Counter()
        self.examples: dict[str, str] = {}

    def add(self, what: str, example: str | None = None):
        self.counts[what] += 1
        if example and what not in self.examples:
            self.examples[what] = example

    def traceback(self, route: str, exc: BaseException, payload):
        sig = f"{type(exc).__name__} at {traceback.extract_tb(exc.__traceback__)[-1].filename.rsplit('/', 1)[-1]}:" \
              f"{traceback.extract_tb(exc.__traceback__)[-1].lineno}" if exc.__traceback__ else type(exc).__name__
        self.counts["tracebacks"] += 1
        self.counts[f"traceback [{route}] {sig}"] += 1
        self.examples.setdefault(f"traceback [{route}] {sig}", _short(payload))


def run_api_single(engine, data, tally: Tally):
    """Validate one input through the API; the valid ones are evaluated later, in a batch."""
    from wfikb.errors import WfikbError
    from wfikb.scenario import from_dict
    try:
        sc = from_dict(data, source="<fuzz>")
    except WfikbError:
        tally.add("api: refused input")
        return None
    except Exception as e:  # noqa: BLE001 - counted
        tally.traceback("api", e, data)
        return None
    return sc


def run_api_batch(engine, scenarios, tally: Tally):
    """Evaluate the valid inputs as a case tool would: a refused scenario takes only its own place
    (`Engine.evaluate_each`); each answer's result is built and encoded as JSON."""
    from wfikb import render, result as results
    from wfikb.errors import InvariantError, RefusedError, WfikbError
    try:
        answers = engine.evaluate_each(list(scenarios))
    except InvariantError as e:          # the batch as a whole (several answer sets)
        tally.add("invariant violations", str(e))
        return
    except WfikbError as e:
        tally.add("api: refused (other)", str(e))
        return
    except Exception as e:  # noqa: BLE001 - counted
        tally.traceback("api", e, [sc.raw for sc in scenarios][:1])
        return
    for ev in answers:
        if isinstance(ev, InvariantError):
            tally.add("invariant violations", str(ev))
        elif isinstance(ev, RefusedError):
            tally.add("api: refused (contradictory circumstances)", str(ev))
        else:
            try:
                render.to_json(results.result(ev))
                tally.add("api: evaluated")
            except Exception as e:  # noqa: BLE001 - counted
                tally.traceback("api", e, ev.scenario.raw)


def run_cli(args: list[str], tally: Tally, payload):
    from click.testing import CliRunner
    from wfikb import cli
    runner = CliRunner()
    saved = sys.argv
    code = 0
    with runner.isolation() as (out, err, *_):
        sys.argv = ["wfikb", *args]
        try:
            cli.main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException as e:  # noqa: BLE001 - counted: main() must turn everything into an exit
            tally.traceback("cli", e, payload)
            code = None
        finally:
            sys.argv = saved
        text = err.getvalue().decode("utf-8", "replace") if hasattr(err, "getvalue") else ""
    if code is None:
        return
    text = text[:2000]
    if "Traceback (most recent call last)" in text:
        tally.traceback("cli", RuntimeError("traceback printed"), payload)
    if "invariant" in text and "refused" in text:
        tally.add("invariant violations", text.strip()[:300])
    if code not in (0, 2):
        tally.add("exits other than 0 or 2", f"exit {code}: {args} {text.strip()[:200]}")
    tally.add(f"cli: exit {code}")


def cli_args(path: str, rng: random.Random) -> list[str]:
    pick = rng.random()
    if pick < 0.6:
        return ["evaluate", path] + (["--format", "json"] if rng.random() < 0.5 else [])
    if pick < 0.8:
        return ["explain", path]
    name = rng.choice(["regime=work_preparation", "activity=wfi:mandatory", "sanction_risk=wfi", "letter=let_6",
                       "can_require(wfi)"] + ODD_STRINGS[:9] + ODD_STRINGS[19:])
    return ["explain", path, "--why-not", name]   # --why exits 1 by design when the conclusion does not hold


def valid_dicts(count: int, seed: int) -> list[dict]:
    """`count` valid scenario dicts drawn by Hypothesis from wfikb/strategies.py."""
    from hypothesis import HealthCheck, Phase, given, settings
    from wfikb.strategies import scenario_dicts
    out: list[dict] = []

    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(scenario_dicts())
    def draw(d):
        out.append(d)
    from hypothesis import seed as hseed
    hseed(seed)(draw)()
    return out


def fuzz(count: int, seed: int = 0, valid_share: float = 0.2, cli_share: float = 0.03, batch: int = 100,
         progress=None, reuse: int = 4, tally: Tally | None = None) -> Tally:
    from wfikb.engine import Engine
    rng = random.Random(seed)
    engine = Engine()
    tally = Tally() if tally is None else tally
    done = 0
    pending = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wfikb-fuzz-") as tmp:
        chunk_no = 0
        while done < count:
            # Each drawn scenario serves `reuse` inputs (itself or a mutation): drawing is the slow part.
            chunk = valid_dicts(min(125, -(-(count - done) // reuse)), seed * 1_000_003 + chunk_no)
            chunk_no += 1
            if not chunk:
                break
            for d in (d for d in chunk for _ in range(reuse)):
                if done >= count or STOP:
                    break
                done += 1
                tally.add("inputs")
                data = d if rng.random() < valid_share else mutate(d, rng)
                tally.add("valid inputs" if data is d else "mutated inputs")
                if rng.random() < cli_share:
                    suffix, raw = file_bytes(data, rng)
                    path = os.path.join(tmp, f"case{done % 7}{suffix}")
                    Path(path).write_bytes(raw)
                    run_cli(cli_args(path, rng), tally, raw[:300])
                    continue
                sc = run_api_single(engine, data, tally)
                if sc is not None:
                    pending.append(sc)
                if len(pending) >= batch:
                    run_api_batch(engine, pending, tally)
                    pending = []
            if progress:
                progress(done, tally, time.monotonic() - started)
            if STOP:
                break
        if pending:
            run_api_batch(engine, pending, tally)
    return tally


def report(tally: Tally, seconds: float) -> str:
    c = tally.counts
    lines = [f"inputs: {c['inputs']} ({c['valid inputs']} valid, {c['mutated inputs']} mutated) in {seconds:.0f} s",
             f"tracebacks: {c['tracebacks']}",
             f"invariant violations: {c['invariant violations']}",
             f"exits other than 0 or 2: {c['exits other than 0 or 2']}"]
    for k in sorted(c):
        if k.startswith(("api:", "cli:", "traceback [")):
            lines.append(f"  {k}: {c[k]}")
    for k, v in sorted(tally.examples.items()):
        if k.startswith("traceback") or k in ("invariant violations", "exits other than 0 or 2"):
            lines.append(f"  example of {k}: {v}")
    return "\n".join(lines)


def _part(count: int, seed: int, cli_share: float) -> tuple[dict, dict]:
    """One worker's share of a `--jobs N` run: its own seed, its own engine."""
    tally = fuzz(count, seed, cli_share=cli_share)
    return dict(tally.counts), tally.examples


def _parallel(count: int, seed: int, cli_share: float, jobs: int, tally: Tally):
    """Split the inputs over `jobs` processes (seeds seed*1000+1 ...); the counts are summed."""
    from concurrent.futures import ProcessPoolExecutor
    shares = [count // jobs + (1 if i < count % jobs else 0) for i in range(jobs)]
    with ProcessPoolExecutor(jobs) as pool:
        for counts, examples in pool.map(_part, shares, [seed * 1000 + i + 1 for i in range(jobs)],
                                         [cli_share] * jobs):
            tally.counts.update(counts)
            for k, v in examples.items():
                tally.examples.setdefault(k, v)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m wfikb.fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000, help="number of generated inputs (default 1000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cli-share", type=float, default=0.03, help="share of inputs run through the CLI")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes, each with its own seed (default 1)")
    a = ap.parse_args(argv)
    started = time.monotonic()

    def progress(done, tally, secs):
        if not a.quiet:
            c = tally.counts
            print(f"{done} inputs, {secs:.0f} s: tracebacks {c['tracebacks']}, invariant violations "
                  f"{c['invariant violations']}, exits other than 0/2 {c['exits other than 0 or 2']}",
                  file=sys.stderr, flush=True)
    tally = Tally()
    import signal
    for sig in (signal.SIGINT, signal.SIGTERM):     # Ctrl-C or kill: stop and report what ran so far
        signal.signal(sig, lambda *_: STOP.append(True))
    if a.jobs > 1:
        _parallel(a.count, a.seed, a.cli_share, a.jobs, tally)
    else:
        fuzz(a.count, a.seed, cli_share=a.cli_share, progress=progress, tally=tally)
    if STOP:
        print(f"stopped after {tally.counts['inputs']} of {a.count} inputs")
    print(report(tally, time.monotonic() - started))
    c = tally.counts
    sys.exit(1 if c["tracebacks"] or c["invariant violations"] or c["exits other than 0 or 2"] else 0)


if __name__ == "__main__":
    main()
