"""`wfikb batch`: many scenarios, one JSON line each (contract section 4), in bounded memory.

Input is a JSON-lines file (one scenario object, contract section 1, per line; blank lines are not
records) or a folder (every .toml/.json scenario file under it, in path order). Output has one line
per record, in input order: `{"line": N, "result": {...}}` or `{"line": N, "error": "..."}`; a
record that cannot be read or validated is an error line and the run goes on. N is the line number
in the JSON-lines file, or the file's position (from 1) in a folder, whose lines also carry `file`.

Records are read lazily and evaluated a chunk at a time (`Engine.evaluate_stream`). clingo keeps
every symbol it has ever made for the life of the process (a global table, never freed), and every
scenario brings new ones (its dates, ages, amounts beside its number in the chunk), so one process
grows with the number of distinct records it has seen (measured: some 20-40 KB a record). To keep
memory flat however long the input, the command evaluates in `jobs` worker processes (one by
default), each replaced after RECYCLE chunks; chunks come back in order, so the output is the same
byte for byte for any number of workers. `jobs=0` evaluates in this process (library use, tests).

The output is written atomically: lines go to `OUTPUT.partial` beside it, which is renamed to
OUTPUT only when every record is done. An interrupted run leaves the partial file and, beside it,
`OUTPUT.partial.json` (input, explanation level, policy version); `resume=True` keeps the complete
lines of the partial file, skips that many records and goes on. A run without `resume` starts afresh.
"""
from __future__ import annotations

import collections
import concurrent.futures
import json
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

from wfikb import result as results
from wfikb.engine import Engine, Evaluation
from wfikb.errors import InputError, WfikbError
from wfikb.scenario import from_dict, load

EXPLAIN = ("none", "outcome", "full")
CHUNK = 500
RECYCLE = 10          # chunks a worker process evaluates before it is replaced by a fresh one


@dataclass(frozen=True)
class Record:
    line: int
    payload: str | Path      # a JSON line, or a scenario file
    source: str              # what an error message names
    file: str | None = None  # a folder's record: its path under the folder


# ------------------------------------------------------------------------------ reading
def records(path: str | Path) -> Iterator[Record]:
    """The input's records, lazily, in order."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".toml", ".json") and p.is_file())
        for n, p in enumerate(files, 1):
            rel = p.relative_to(path).as_posix()
            yield Record(n, p, str(p), rel)
        return
    try:
        fh = path.open(encoding="utf-8", newline="\n")
    except FileNotFoundError:
        raise InputError(path, None, "no such file or folder") from None
    except OSError as e:
        raise InputError(path, None, f"cannot read the file ({e.__class__.__name__})") from None
    with fh:
        n = 0
        while True:
            try:
                text = fh.readline()
            except UnicodeDecodeError:
                raise InputError(f"{path}:{n + 1}", None, "not UTF-8 text") from None
            if not text:
                return
            n += 1
            if text.strip():
                yield Record(n, text, f"{path}:{n}")


def count_records(path: str | Path) -> int | None:
    """How many records the input holds (for the progress bar), without parsing them."""
    path = Path(path)
    if path.is_dir():
        return sum(1 for p in path.rglob("*") if p.suffix in (".toml", ".json") and p.is_file())
    try:
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError:
        return None


def scenario_of(rec: Record):
    """The record's validated scenario; InputError names the record, the key and what was expected."""
    if isinstance(rec.payload, Path):
        return load(rec.payload)
    try:
        data = json.loads(rec.payload)
    except json.JSONDecodeError as e:
        raise InputError(rec.source, None, f"not valid JSON ({e.msg} at column {e.colno})") from None
    return from_dict(data, source=rec.source)


# ------------------------------------------------------------------------------ one record's line
def outcome(ev: Evaluation, explain: str) -> dict:
    """The result at the requested level: `full` is the contract's section 2 result; `outcome` leaves
    out the conclusions' trees (keeps each activity's `because`); `none` also leaves out `because`."""
    if explain == "full":
        return results.result(ev)
    sc = ev.scenario
    activities = {a: results.activity_entry(ev, a, explain=explain == "outcome") for a in sc.activities}
    if explain == "none":
        for entry in activities.values():
            entry.pop("because")
    return {"scenario": sc.id, "date": sc.date.isoformat(), "policy": ev.policy.version,
            "regime": results.regime(ev), "activities": activities}


def _line(rec: Record, key: str, value) -> str:
    out = {"line": rec.line}
    if rec.file is not None:
        out["file"] = rec.file
    out[key] = value
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n"


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def output_lines(engine: Engine, recs: Iterable[Record], explain: str, chunk: int = CHUNK) -> Iterator[str]:
    """One output line per record, in order; bad records become error lines."""
    pending: collections.deque = collections.deque()

    def valid():
        for rec in recs:
            try:
                sc = scenario_of(rec)
            except InputError as e:
                pending.append((rec, str(e)))
                continue
            pending.append((rec, None))
            yield sc

    for ev in engine.evaluate_stream(valid(), chunk):
        while pending[0][1] is not None:
            rec, err = pending.popleft()
            yield _line(rec, "error", _one_line(err))
        rec, _ = pending.popleft()
        if isinstance(ev, WfikbError):      # refused: contradictory circumstances or a broken invariant
            yield _line(rec, "error", _one_line(ev))
            continue
        try:
            yield _line(rec, "result", outcome(ev, explain))
        except WfikbError as e:
            yield _line(rec, "error", _one_line(e))
    while pending:
        rec, err = pending.popleft()
        yield _line(rec, "error", _one_line(err))


# ------------------------------------------------------------------------------ worker processes
_worker: dict = {}


def _init_worker(roots):
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the main process decides when to stop
    from wfikb.loader import Policy
    _worker["engine"] = Engine(Policy.load(roots))


def _work(recs: list[Record], explain: str) -> str:
    return "".join(output_lines(_worker["engine"], recs, explain, chunk=len(recs) or 1))


def _chunks(it: Iterable[Record], size: int) -> Iterator[list[Record]]:
    buf: list[Record] = []
    for rec in it:
        buf.append(rec)
        if len(buf) == size:
            yield buf
            buf = []
    if buf:
        yield buf


def _parallel(roots, recs: Iterable[Record], explain: str, jobs: int, chunk: int) -> Iterator[str]:
    """Chunks to `jobs` processes, at most 2 * jobs in flight, results taken in submission order;
    each process is replaced after RECYCLE chunks (see the module's docstring)."""
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(roots,),
                                                max_tasks_per_child=RECYCLE) as pool:
        window: collections.deque = collections.deque()
        for part in _chunks(recs, chunk):
            window.append((pool.submit(_work, part, explain), len(part)))
            if len(window) >= 2 * jobs:
                fut, n = window.popleft()
                yield fut.result(), n
        while window:
            fut, n = window.popleft()
            yield fut.result(), n


# ------------------------------------------------------------------------------ the run
class Progress:
    """A one-line progress bar on standard error, only when it is a terminal."""

    def __init__(self, total: int | None, done: int = 0, stream: IO | None = None):
        self.stream = stream or sys.stderr
        self.on = self.stream.isatty()
        self.total, self.done, self.start, self.last = total, done, time.monotonic(), 0.0
        self.first = done

    def add(self, n: int):
        self.done += n
        now = time.monotonic()
        if self.on and now - self.last >= 0.2:
            self.last = now
            self._draw(now)

    def _draw(self, now):
        rate = (self.done - self.first) / max(now - self.start, 1e-9)
        if self.total:
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(frac * 30)
            eta = (self.total - self.done) / rate if rate else 0
            text = f"\r[{bar:<30}] {self.done}/{self.total} records  {rate:.0f}/s  eta {eta:.0f} s "
        else:
            text = f"\r{self.done} records  {rate:.0f}/s "
        self.stream.write(text)
        self.stream.flush()

    def close(self):
        if self.on:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


class _Interrupt:
    """Ctrl-C sets a flag that the run checks between records: a KeyboardInterrupt raised inside
    clingo's callbacks would abort the process instead of leaving a clean partial file."""

    def __enter__(self):
        self.hit, self.old = False, None
        try:
            self.old = signal.signal(signal.SIGINT, self._on)
        except ValueError:               # not the main thread: leave signals alone
            pass
        return self

    def _on(self, signum, frame):
        self.hit = True

    def check(self):
        if self.hit:
            raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGINT, self.old)


def partial_paths(out: Path) -> tuple[Path, Path]:
    return out.with_name(out.name + ".partial"), out.with_name(out.name + ".partial.json")


def _resume_point(partial: Path, meta_path: Path, meta: dict) -> int:
    """Keep the partial file's complete lines; return how many records they cover."""
    if not partial.is_file() or not meta_path.is_file():
        raise InputError(partial, None, "nothing to resume: no partial output from an earlier run")
    try:
        old = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        old = None
    if old != meta:
        raise InputError(partial, None, "cannot resume: the earlier run had a different input, --explain "
                         "or policy (run without --resume to start afresh)")
    done, keep = 0, 0
    with partial.open("rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break                   # a line cut off by the interruption is written again
            done += 1
            keep += len(raw)
    with partial.open("r+b") as fh:
        fh.truncate(keep)
    return done


def run(engine: Engine, input_path: str | Path, out: str | Path, explain: str = "outcome", jobs: int = 0,
        resume: bool = False, chunk: int = CHUNK, roots: list | None = None, progress: bool = True) -> int:
    """Evaluate every record of INPUT into OUT; returns the number of records written.
    jobs=0: in this process, with `engine`; jobs=N: in N worker processes loading the policy from
    `roots` (`engine` then only names the policy version)."""
    if explain not in EXPLAIN:
        raise ValueError(f"explain must be one of {EXPLAIN}")
    input_path, out = Path(input_path), Path(out)
    if not input_path.exists():
        raise InputError(input_path, None, "no such file or folder")
    partial, meta_path = partial_paths(out)
    meta = {"input": str(input_path.resolve()), "explain": explain, "policy": engine.policy.version}
    done = _resume_point(partial, meta_path, meta) if resume else 0
    if not resume:
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(b"")
        meta_path.write_text(json.dumps(meta) + "\n", encoding="utf-8")
    recs = records(input_path)
    skipped = 0
    for _ in range(done):
        if next(recs, None) is None:
            break
        skipped += 1
    bar = Progress(count_records(input_path) if progress and sys.stderr.isatty() else None, skipped)
    bar.on = bar.on and progress
    written = skipped
    with partial.open("a", encoding="utf-8", newline="\n") as fh, _Interrupt() as stop:
        if jobs >= 1:
            for text, n in _parallel(roots, recs, explain, jobs, chunk):
                fh.write(text)
                fh.flush()
                written += n
                bar.add(n)
                stop.check()
        else:
            for line in output_lines(engine, recs, explain, chunk):
                fh.write(line)
                written += 1
                if written % chunk == 0:
                    fh.flush()
                bar.add(1)
                stop.check()
        fh.flush()
        os.fsync(fh.fileno())
    bar.close()
    os.replace(partial, out)
    meta_path.unlink(missing_ok=True)
    return written
