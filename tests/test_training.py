"""Trainers (issue 18): `wfikb generate`, `wfikb worksheet`, `wfikb quiz` (docs/trainers.md).

One teaching set for the UC group rules is generated once (a small space: 230 profiles) and checked:
every reachable condition taught, each pair one circumstance and one outcome apart, on a boundary,
unreachable conditions with the solver's reason, every file passing `wfikb test`, answer keys as
`wfikb explain` gives them."""
import datetime as dt
import json
import tomllib

import pytest
from click.testing import CliRunner

from tests.conftest import wfikb

ON = "2026-01-05"
KEYS = "couple,capability,children"


@pytest.fixture(scope="module")
def uc_set(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "uc-groups"
    r = wfikb("generate", "--topic", "uc-groups", "--on", ON, "--keys", KEYS, "--seed", "7", "--out", out,
              "--format", "json")
    assert r.code == 0, r.err
    return out, r.json()


def _files(folder):
    return {p.stem: tomllib.loads(p.read_text()) for p in sorted(folder.glob("*.toml"))}


def _roles(d):
    g = d["generated"]
    return [g] + g.get("also", [])


def test_every_reachable_condition_is_taught_and_every_file_passes(uc_set, engine):
    folder, summary = uc_set
    assert summary["reachable"] > 20 and summary["covered"] == summary["reachable"]
    taught = {t["condition"] for t in summary["taught"]}
    unreachable = {u["condition"] for u in summary["unreachable"]}
    assert len(taught) == summary["reachable"] and not taught & unreachable
    assert len(taught) + len(unreachable) == summary["conditions"]
    # the group rules' own conditions are among those taught
    texts = {(t["rule"], t["text"]) for t in summary["taught"]}
    assert ("uc.s21_1_aa.child_aged_2", "A = P") in texts
    assert ("uc.s21.work_preparation", "uc_otherwise(S,s21)") in texts
    assert ("uc.s19_6_a.only_person_responsible", "not couple(S)") in texts
    assert summary["lower_bound"] == summary["reachable"] + 1
    assert summary["scenarios"] == len(list(folder.glob("*.toml")))
    r = wfikb("test", folder)
    assert r.code == 0, r.out + r.err
    assert f"{summary['scenarios']} passed, 0 failed" in r.out


def test_each_pair_differs_in_one_circumstance_on_a_boundary_and_in_outcome(uc_set, engine):
    from wfikb.scenario import load
    folder, summary = uc_set
    files = _files(folder)
    pairs = {}
    for sid, d in files.items():
        for role in _roles(d):
            pairs.setdefault(role["pair"], set()).add(sid)
            assert role["partner"] in files and role["partner"] != sid
    assert len(pairs) == summary["pairs"]
    sids = sorted(files)
    models = dict(zip(sids, (ev.model for ev in engine.evaluate_batch([load(folder / f"{s}.toml") for s in sids]))))
    for pid, members in pairs.items():
        assert len(members) == 2, pid
        a, b = sorted(members)
        da, db = files[a], files[b]
        key = {r["differs_in"] for r in _roles(da) if r["pair"] == pid}
        assert len(key) == 1
        key = key.pop()
        ca, cb = da["claimant"], db["claimant"]
        differ = {k for k in set(ca) | set(cb) if ca.get(k) != cb.get(k)}
        assert differ == {key}, (pid, differ, key)
        assert da["date"] == db["date"] and da["ask"] == db["ask"]
        if key == "children" and ca.get("children") and cb.get("children"):
            x, y = ca["children"][0], cb["children"][0]
            # the same child one day apart (a birthday and the day before) or the same child fostered
            assert abs((x["born"] - y["born"]).days) == 1 or x.get("foster") != y.get("foster"), pid
        ea, eb = models[a], models[b]
        outcome = lambda m: (m.regime(), [(x, m.status(x), m.sanction_risk(x)) for x in da["ask"]["activities"]])
        assert outcome(ea) != outcome(eb) or da["expect"].get("conclusions") != db["expect"].get("conclusions"), pid
    # birthday pairs: a child who turns N tomorrow against one who turns N today
    import re
    said = " ".join(d["generated"]["narrative"] for d in files.values())
    assert set(re.findall(r"turns (\d+) tomorrow", said)) & set(re.findall(r"turns (\d+) today", said))


def test_unreachable_conditions_come_with_the_solvers_reason(uc_set):
    _, summary = uc_set
    by = {(u["rule"], u["text"]): u["reason"] for u in summary["unreachable"]}
    assert all(u["reason"] for u in summary["unreachable"])
    # s.20(1)(a) as enacted ended on 2 April 2017: on 2026-01-05 the clause fires for no profile
    assert by[("uc.s20_1_a.child_under_prescribed_age", "A >= F")] == \
        f"the clause never fires in any of the {summary['space']['profiles']} profiles of the space"
    # the benefit is fixed by the space, so `benefit(S, universal_credit)` never fails
    assert by[("uc.s19_2_a.lcwra", "benefit(S,universal_credit)")].endswith("the space fixes the benefit (--where benefit=...)")
    # s.20(2): K != wfi fails only for the interview itself, which the s.20 rule already requires
    assert by[("uc.s20_2.no_other_requirement", "K != wfi")].startswith("masked: in each of the")


def test_same_seed_same_files_byte_for_byte(tmp_path, engine):
    from wfikb.training.generate import generate, write
    kw = dict(rules="uc.s21_1_aa.child_aged_2,uc.s21.work_preparation", on=dt.date(2026, 1, 5),
              keys=("capability", "children"))
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        write(generate(engine.policy, seed=seed, **kw), tmp_path / name)
    read = lambda n: {p.name: p.read_bytes() for p in sorted((tmp_path / n).iterdir())}
    assert read("a") == read("b") and read("a")
    assert read("a") != read("c")          # another seed, other names in the stories
    assert sorted(read("a")) == sorted(read("c"))


def test_answer_keys_agree_with_explain(uc_set, engine):
    from wfikb.cli import cli
    from wfikb.training.worksheet import items
    folder, _ = uc_set
    its = items(engine, str(folder))
    runner = CliRunner()
    checked = 0
    for it in its[:4]:
        for q in it["questions"]:
            name = f"regime={q['answer']}" if q["kind"] == "regime" else \
                f"activity={q['activity']}:{q['answer']}" if q["kind"] == "activity" else None
            if name is None:
                continue
            r = runner.invoke(cli, ["explain", it["source"], "--why", name, "--format", "json"])
            assert r.exit_code == 0, r.output
            d = json.loads(r.output)
            assert d["holds"] is True
            tree = d["tree"]
            node = tree if q["kind"] == "regime" else next(c for c in tree["because"] if c.get("kind") == "derived")
            assert (node["rule"], node["citation"], node["text"]) == (q["rule"], q["citation"], q["reason"])
            checked += 1
    assert checked >= 6


def _cli(*args):
    from wfikb.cli import cli
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


def test_worksheet_and_answer_key_from_templates(uc_set, tmp_path):
    folder, summary = uc_set
    r = _cli("worksheet", folder, "--format", "md", "-o", tmp_path / "s.md")
    assert f"({summary['scenarios']} cases," in r.output
    sheet, key = (tmp_path / "s.md").read_text(), (tmp_path / "s-answers.md").read_text()
    assert "Which work-related requirement group is" in sheet and "s.22" not in sheet   # no answers on the sheet
    assert "the all work-related requirements group (s.22)" in key and "What changed and why it matters" in key
    _cli("worksheet", folder, "--format", "html", "-o", tmp_path / "s.html", "--shuffle", "--seed", "3")
    html = (tmp_path / "s.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "<section>" in html
    mine = tmp_path / "tpl"
    mine.mkdir()
    (mine / "worksheet.md.j2").write_text("{% for it in items %}{{ it.id }}|{% endfor %}\n")
    _cli("worksheet", folder, "-o", tmp_path / "t.md", "--templates", mine)
    assert (tmp_path / "t.md").read_text().startswith("case-01|case-02|")
    assert "answer key" in (tmp_path / "t-answers.md").read_text()      # the shipped key template still used


def test_quiz_checks_answers_and_explains(uc_set):
    from wfikb.cli import cli
    folder, _ = uc_set
    r = CliRunner().invoke(cli, ["quiz", str(folder)], input="1\n" * 200)
    assert r.exit_code == 0, r.output
    assert "Right." in r.output and "Not quite:" in r.output and "Why: " in r.output
    assert r.output.rstrip().endswith("right.") and "Contrast (p01" in r.output


def test_generated_table_is_validated(write):
    base = 'id = "x"\ndate = 2026-01-05\n[claimant]\nbenefit = "universal_credit"\n'
    good = write("good.toml", base + '[generated]\npair = "p01"\ndiffers_in = "couple"\nrule = "r"\ncondition = "c"\n')
    assert wfikb("evaluate", good).code == 0
    bad = write("bad.toml", base + '[generated]\npair = 1\n')
    r = wfikb("evaluate", bad)
    assert r.code == 2 and "generated.pair" in r.err and "expected a string" in r.err and "Traceback" not in r.err
    odd = write("odd.toml", base + '[generated]\nsurprise = "x"\n')
    r = wfikb("evaluate", odd)
    assert r.code == 2 and "generated.surprise" in r.err and len(r.err.strip().splitlines()) == 1


def test_generate_refuses_bad_input_in_one_line(tmp_path):
    r = wfikb("generate", "--out", tmp_path / "x")
    assert r.code == 2 and "exactly one of --rules, --topic or --file" in r.err
    r = wfikb("generate", "--rules", "no.such.rule", "--on", ON, "--out", tmp_path / "x")
    assert r.code == 2 and "no.such.rule" in r.err and len(r.err.strip().splitlines()) == 1
    r = wfikb("generate", "--rules", "uc.s21_1_a.lcw", "--on", ON, "--keys", "capability,nosuch", "--out", tmp_path / "x")
    assert r.code == 2 and "--keys" in r.err and "'nosuch'" in r.err and len(r.err.strip().splitlines()) == 1
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("x")
    r = wfikb("generate", "--rules", "uc.s21_1_a.lcw", "--on", ON, "--keys", "capability", "--out", full)
    assert r.code == 2 and "expected a new or empty folder" in r.err
    assert not (tmp_path / "x").exists() and [p.name for p in full.iterdir()] == ["keep.txt"]


def test_an_output_where_nothing_can_be_written_is_one_line_exit_2(uc_set):
    # /proc passes os.access for root, yet nothing can be made there: one line, not a traceback
    r = wfikb("generate", "--rules", "uc.s21_1_a.lcw", "--on", ON, "--keys", "capability", "--out", "/proc/wfikb-set")
    assert r.code == 2 and r.err.count("\n") == 1 and "/proc/wfikb-set: --out: cannot write" in r.err, r.err
    r = wfikb("worksheet", uc_set[0], "-o", "/proc/wfikb-sheet.md")
    assert r.code == 2 and r.err.count("\n") == 1 and "/proc/wfikb-sheet.md: -o: expected a file in a folder" in r.err, r.err
