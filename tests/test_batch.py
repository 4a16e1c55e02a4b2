"""`wfikb batch` and `Engine.evaluate_stream`: the same results as one-by-one evaluation, in order,
an error line for every bad record, nothing half-written, resume, and --jobs that change nothing."""
import json
import shutil

import pytest
from conftest import ROOT, wfikb

from wfikb import batch, result as results
from wfikb.scenario import load

# A sample of the corpus across benefits (sorted paths, every 29th file).
SAMPLE = sorted((ROOT / "scenarios").rglob("*.toml"))[::29]


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def _as_json_record(path) -> str:
    return json.dumps(load(path).raw, default=str)


@pytest.fixture
def sample_dir(tmp_path):
    d = tmp_path / "in"
    for p in SAMPLE:
        dest = d / p.relative_to(ROOT / "scenarios")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(p, dest)
    return d


def test_batch_full_equals_evaluate_of_each_scenario_and_lesser_levels_are_its_projection(engine, sample_dir, tmp_path):
    assert len(SAMPLE) >= 8
    run = wfikb("batch", sample_dir, "--out", tmp_path / "full.jsonl", "--explain", "full", "--chunk", "3")
    assert run.code == 0, run.err
    assert not (tmp_path / "full.jsonl.partial").exists()
    lines = _lines(tmp_path / "full.jsonl")
    files = sorted(p.relative_to(sample_dir).as_posix() for p in sample_dir.rglob("*.toml"))
    assert [(x["line"], x["file"]) for x in lines] == list(enumerate(files, 1))
    for x in lines:
        expected = results.result(engine.evaluate(load(sample_dir / x["file"])))
        assert x["result"] == expected, x["file"]
        assert x["result"]["conclusions"] and x["result"]["conclusions"][0]["because"] is not None

    # --explain outcome: the same without the trees; none: also without `because`.
    assert wfikb("batch", sample_dir, "--out", tmp_path / "o.jsonl").code == 0
    assert wfikb("batch", sample_dir, "--out", tmp_path / "n.jsonl", "--explain", "none").code == 0
    for full, out, none in zip(lines, _lines(tmp_path / "o.jsonl"), _lines(tmp_path / "n.jsonl")):
        f = dict(full["result"])
        del f["conclusions"]
        assert out["result"] == f
        for entry in f["activities"].values():
            assert entry.pop("because")
        assert none["result"] == f


def test_bad_records_become_error_lines_with_their_line_number_and_the_run_goes_on(engine, tmp_path):
    good = _as_json_record(SAMPLE[0])
    bad_benefit = json.loads(good)
    bad_benefit["claimant"]["benefit"] = "pension"
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([good, "{not json", "", json.dumps(bad_benefit), "[1, 2]", good]) + "\n")
    run = wfikb("batch", src, "--out", tmp_path / "out.jsonl")
    assert run.code == 0, run.err
    lines = _lines(tmp_path / "out.jsonl")
    assert [x["line"] for x in lines] == [1, 2, 4, 5, 6]          # line 3 is blank: not a record
    assert [sorted(x) for x in lines] == [["line", "result"]] + [["error", "line"]] * 3 + [["line", "result"]]
    assert lines[1]["error"].startswith(f"{src}:2: not valid JSON")
    assert lines[2]["error"].startswith(f"{src}:4: claimant.benefit: expected one of universal_credit")
    assert lines[3]["error"] == f"{src}:5: expected a table (object) at the top level"
    expected = batch.outcome(engine.evaluate(load(SAMPLE[0])), "outcome")
    assert lines[0]["result"] == lines[4]["result"] == expected


def test_a_failed_run_leaves_the_output_untouched_and_resume_finishes_it(engine, tmp_path, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(_as_json_record(p) + "\n" for p in SAMPLE[:6]))
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n")
    real = batch.outcome
    calls = []

    def failing(ev, explain):
        calls.append(ev.scenario.id)
        if len(calls) == 4:
            raise RuntimeError("power cut")
        return real(ev, explain)

    monkeypatch.setattr(batch, "outcome", failing)
    with pytest.raises(RuntimeError):
        batch.run(engine, src, out, "outcome", chunk=1, progress=False)
    assert out.read_text() == "previous results\n"             # nothing half-written
    partial = tmp_path / "out.jsonl.partial"
    assert [x["line"] for x in _lines(partial)] == [1, 2, 3]
    with partial.open("a") as fh:                                # a line cut off mid-write
        fh.write('{"line":4,"res')

    monkeypatch.setattr(batch, "outcome", real)
    assert batch.run(engine, src, out, "outcome", resume=True, chunk=2, progress=False) == 6
    assert not partial.exists() and not (tmp_path / "out.jsonl.partial.json").exists()
    fresh = tmp_path / "fresh.jsonl"
    batch.run(engine, src, fresh, "outcome", progress=False)
    assert out.read_bytes() == fresh.read_bytes()
    assert [x["line"] for x in _lines(out)] == [1, 2, 3, 4, 5, 6]


def test_resume_refuses_a_partial_file_from_other_options(engine, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(_as_json_record(SAMPLE[0]) + "\n")
    out = tmp_path / "out.jsonl"
    run = wfikb("batch", src, "--out", out, "--resume")
    assert run.code == 2 and run.err.count("\n") == 1 and "nothing to resume" in run.err
    (tmp_path / "out.jsonl.partial").write_text("")
    (tmp_path / "out.jsonl.partial.json").write_text(json.dumps(
        {"input": str(src.resolve()), "explain": "full", "policy": engine.policy.version}))
    run = wfikb("batch", src, "--out", out, "--resume")
    assert run.code == 2 and "different input, --explain or policy" in run.err and "Traceback" not in run.err
    assert not out.exists()


def test_jobs_2_gives_the_same_bytes_as_jobs_1_and_as_evaluating_in_process(engine, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(_as_json_record(p) + "\n" for p in SAMPLE[:7]) + "{broken\n")
    one = wfikb("batch", src, "--out", tmp_path / "one.jsonl", "--chunk", "2")
    two = wfikb("batch", src, "--out", tmp_path / "two.jsonl", "--chunk", "2", "--jobs", "2")
    assert one.code == two.code == 0, two.err
    batch.run(engine, src, tmp_path / "here.jsonl", "outcome", jobs=0, chunk=3, progress=False)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes() \
        == (tmp_path / "here.jsonl").read_bytes()
    assert len(_lines(tmp_path / "two.jsonl")) == 8 and "error" in _lines(tmp_path / "two.jsonl")[-1]


def test_worker_processes_replaced_mid_run_change_nothing(engine, tmp_path, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(_as_json_record(p) + "\n" for p in SAMPLE[:6]))
    monkeypatch.setattr(batch, "RECYCLE", 1)          # a fresh process for every chunk
    batch.run(engine, src, tmp_path / "workers.jsonl", "none", jobs=2, chunk=2, progress=False)
    batch.run(engine, src, tmp_path / "here.jsonl", "none", jobs=0, progress=False)
    assert (tmp_path / "workers.jsonl").read_bytes() == (tmp_path / "here.jsonl").read_bytes()
    assert len(_lines(tmp_path / "here.jsonl")) == 6


def test_evaluate_stream_reads_lazily_and_equals_evaluate_batch(engine):
    scenarios = [load(p) for p in SAMPLE[:5]]
    pulled = []

    def source():
        for sc in scenarios:
            pulled.append(sc.id)
            yield sc

    stream = engine.evaluate_stream(source(), chunk=2)
    first = next(stream)
    assert len(pulled) == 2                                      # one chunk ahead, never the whole input
    evs = [first, *stream]
    assert [e.scenario.id for e in evs] == [sc.id for sc in scenarios]
    assert [results.result(e) for e in evs] == [results.result(e) for e in engine.evaluate_batch(scenarios)]


def test_a_folder_gives_one_line_per_scenario_file_and_a_bad_file_is_an_error_line(engine, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SAMPLE[0], d / "a.toml")
    (d / "b.toml").write_text('id = "b"\ndate = 2020-01-01\n[claimant]\nbenefit = "pension"\n')
    (d / "notes.txt").write_text("not a scenario")
    out = tmp_path / "out.jsonl"
    assert batch.run(engine, d, out, "none", progress=False) == 2
    a, b = _lines(out)
    assert a["file"] == "a.toml" and a["result"] == batch.outcome(engine.evaluate(load(SAMPLE[0])), "none")
    assert b == {"line": 2, "file": "b.toml",
                 "error": f"{d / 'b.toml'}: claimant.benefit: expected one of universal_credit, esa_new_style, "
                          "esa_income_related, income_support, jsa; got \"pension\""}


def test_the_progress_bar_shows_only_on_a_terminal():
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    shown, hidden = Terminal(), io.StringIO()
    for stream in (shown, hidden):
        bar = batch.Progress(10, stream=stream)
        bar.add(4)
        bar.close()
    assert hidden.getvalue() == ""
    assert "4/10 records" in shown.getvalue() and shown.getvalue().endswith("\n")


def test_ctrl_c_leaves_a_clean_partial_file_and_resume_completes_it(engine, tmp_path):
    import signal
    import subprocess
    import sys
    import time
    src = tmp_path / "in.jsonl"
    src.write_text("".join(_as_json_record(SAMPLE[i % len(SAMPLE)]) + "\n" for i in range(40)))
    out, partial = tmp_path / "out.jsonl", tmp_path / "out.jsonl.partial"
    cmd = [sys.executable, "-m", "wfikb", "batch", str(src), "--out", str(out), "--chunk", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not partial.exists() or partial.read_text().count("\n") < 2):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err and not out.exists()
    done = _lines(partial)
    assert 2 <= len(done) < 40 and [x["line"] for x in done] == list(range(1, len(done) + 1))
    assert wfikb("batch", src, "--out", out, "--chunk", "1", "--resume").code == 0
    fresh = tmp_path / "fresh.jsonl"
    batch.run(engine, src, fresh, "outcome", progress=False)
    assert out.read_bytes() == fresh.read_bytes()
