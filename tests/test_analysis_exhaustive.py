"""The exhaustive diff over the whole space: consistency constraints, cells' edits, saved examples, CLI.

(Agreement with the engine on every profile of a sub-space: tests/test_analysis_space.py; on 10,580
profiles: bench/exhaustive_diff.py --verify-keys, docs/analysts.md.)"""
import datetime as dt
import json
from pathlib import Path

import pytest

from clingo import Function

from conftest import wfikb
from wfikb.analysis import edits, exhaustive
from wfikb.analysis.space import Space
from wfikb.engine import Engine
from wfikb.errors import RefusedError
from wfikb.loader import Policy, default_policy_dir
from wfikb.loader.source import read_roots
from wfikb.scenario import from_dict

ROOT = Path(__file__).resolve().parent.parent
THREE = ROOT / "docs" / "examples" / "overlay-three-edits.lp"
AT3 = ROOT / "docs" / "examples" / "overlay-work-preparation-at-3.lp"
ON = dt.date(2027, 4, 5)


@pytest.fixture(scope="module")
def three():
    base_files = read_roots([default_policy_dir()])
    ov = edits.read(THREE, [default_policy_dir()])
    return Policy.from_files(base_files), Policy.from_files(base_files + ov.files), (base_files, ov)


def test_profiles_the_consistency_constraints_exclude_are_not_counted_and_agree_with_the_engine(three):
    base, changed, overlay = three
    kw = dict(on=ON, where={"benefit": "jsa"}, keys=("couple", "lone_parent", "esa_group"), max_children=0)
    r = exhaustive.diff(base, changed, overlay=overlay, **kw)
    space = Space.build([base, changed], **kw)
    # 2 x 2 x 4 combinations, but an ESA group is for ESA only and a lone parent is not in a couple: 3 left
    evs = Engine(base).evaluate_each([space.scenario(s) for s in range(space.size)])
    valid = [s for s, ev in enumerate(evs) if not isinstance(ev, RefusedError)]
    assert space.size == 16 and r["profiles"] == len(valid) == 3
    # with no jobseeker's directions every JSA profile loses its mandatory work preparation: one cell
    assert r["changed"] == 3 and len(r["cells"]) == 1
    cell = r["cells"][0]
    assert "status(work_preparation,mandatory)" in cell["before"] and cell["edits"] == ["no-jobseekers-directions"]
    assert cell["count"] == 3 and cell["example"]["claimant"]["benefit"] == "jsa"


@pytest.mark.parametrize("benefit, edit", [("universal_credit", "work-prep-at-3"),
                                           ("esa_income_related", "flag-support-group")])
def test_each_cell_names_the_edit_behind_it_among_three_independent_edits(three, benefit, edit):
    base, changed, overlay = three
    keys = ("capability", "children") if benefit == "universal_credit" else ("esa_group",)
    r = exhaustive.diff(base, changed, on=ON, where={"benefit": benefit}, keys=keys, max_children=1, overlay=overlay)
    assert r["changed"] > 0
    assert all(c["edits"] == [edit] for c in r["cells"])


def test_the_command_covers_millions_of_profiles_and_its_saved_examples_pass_wfikb_test(tmp_path):
    out = tmp_path / "examples"
    run = wfikb("diff", "--change", AT3, "--exhaustive", "--on", "2027-04-05", "--save-examples", out,
                "--format", "json")
    assert run.code == 1, run.err                       # something changes
    r = json.loads(run.out)
    assert r["profiles"] > 10**6 and r["changed"] == sum(c["count"] for c in r["cells"]) > 0
    assert all(c["edits"] == ["overlay-work-preparation-at-3"] and c["conditions"] for c in r["cells"])
    files = sorted(out.glob("*.toml"))
    assert len(files) == len(r["cells"]) == len(r["examples"])
    ok = wfikb("test", out, "--overlay", AT3, "-q")
    assert ok.code == 0 and f"{len(files)} passed, 0 failed" in ok.out, ok.out
    # ... and every example changes: without the overlay none of their [expect] holds
    assert f"0 passed, {len(files)} failed" in wfikb("test", out, "-q").out


def test_the_text_output_lists_the_cells_and_a_bad_where_is_one_line():
    run = wfikb("diff", "--change", AT3, "--exhaustive", "--on", "2027-04-05", "--where", "benefit=universal_credit",
                "--where", "couple=true")
    assert run.code == 1 and "profiles," in run.out and "1. " in run.out
    assert "[edits: overlay-work-preparation-at-3]" in run.out
    bad = wfikb("diff", "--change", AT3, "--exhaustive", "--where", "nosuchkey=1")
    assert bad.code == 2 and "nosuchkey" in bad.err and "Traceback" not in bad.err


AET = ROOT / "docs" / "examples" / "overlay-aet-raised.lp"
PROPERTIES = ROOT / "docs" / "examples" / "properties.lp"


def test_raising_the_aet_over_the_whole_space_loses_no_requirement_and_adds_some_with_witnesses():
    ok = wfikb("check", "--change", AET, "--no-lost-requirements", "--on", "2027-06-01", "--format", "json")
    assert ok.code == 0, ok.err
    r = json.loads(ok.out)
    assert r["result"] == "PASS" and r["profiles"] > 10**6 and r["changed"] > 0 and r["violations"] == 0
    fail = wfikb("check", "--change", AET, "--no-new-requirements", "--on", "2027-06-01", "--format", "json")
    assert fail.code == 1
    f = json.loads(fail.out)
    assert f["result"] == "FAIL" and f["violations"] == f["changed"] == r["changed"]
    w = f["witnesses"][0]
    # the witness: work search was voluntary under the AET and becomes mandatory, both reasons given
    move = next(d for d in w["moves"] if d["activity"] == "work_search")
    assert (move["before"], move["after"]) == ("voluntary", "mandatory")
    assert move["because_before"]["rule"] == "uc.reg99_6.aet.no_search_or_availability"
    # each cell is caused by the edit of its household: single claimants 20 hours, couples 32
    for wit in f["witnesses"]:
        couple = wit["scenario_file"]["claimant"].get("couple", False)
        assert wit["cell"]["edits"] == ["aet-32-hours-couple" if couple else "aet-20-hours-single"]
    base = Engine(Policy.load([default_policy_dir()])).evaluate(from_dict(w["scenario_file"]))
    after = Engine(Policy.load([default_policy_dir(), AET])).evaluate(from_dict(w["scenario_file"]))
    assert (base.model.status("work_search"), after.model.status("work_search")) == ("voluntary", "mandatory")


def test_a_broken_overlay_fails_the_gate_over_the_space_with_a_witness_left_without_a_group(tmp_path):
    broken = tmp_path / "broken.lp"
    broken.write_text("% @disable uc.s22.not_within_s19_to_s21\n")
    run = wfikb("check", "--change", broken, "--no-lost-requirements", "--on", "2027-06-01", "--where", "couple=false")
    assert run.code == 1 and run.out.startswith("FAIL: --no-lost-requirements over ")
    assert "PROBLEM after the change: The claimant receives Universal Credit, but no rule placed them in a regime" \
        in run.out, run.out


def test_check_properties_on_the_command_line_passes_the_shipped_policy_and_catches_a_broken_overlay(tmp_path):
    ok = wfikb("check", "--properties", PROPERTIES, "--on", "2027-06-01")
    assert ok.code == 0 and ok.out.startswith("PASS: ") and "PASS  uc_exactly_one_group" in ok.out, ok.out + ok.err
    broken = tmp_path / "broken.lp"
    broken.write_text("% @disable uc.s22.not_within_s19_to_s21\n")
    run = wfikb("check", "--properties", PROPERTIES, "--on", "2027-06-01", "--overlay", broken, "--format", "json")
    assert run.code == 1
    r = json.loads(run.out)
    prop = next(p for p in r["properties"] if p["name"] == "uc_exactly_one_group")
    assert prop["result"] == "FAIL" and prop["violations"] > 0
    ev = Engine(Policy.load([default_policy_dir(), broken]), refuse_broken=False).evaluate(from_dict(prop["witness"]))
    assert ev.model.regime() is None
    bad = wfikb("check", "--properties", tmp_path / "missing.lp")
    assert bad.code == 2 and "missing.lp" in bad.err and "Traceback" not in bad.err


def test_bad_input_to_the_space_commands_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad-properties.lp"
    bad.write_text("foo(.\n")
    for args, expected in (
            (("check", "--properties", bad), "bad-properties.lp: not valid clingo syntax"),
            (("diff", "--change", AT3, "--exhaustive", "--where", "couple=maybe"),
             "--where couple: expected true or false; got 'maybe'"),
            (("check", "--properties", PROPERTIES, "--where", "earnings_monthly=abc"),
             "--where earnings_monthly: expected a number; got 'abc'")):
        run = wfikb(*args)
        assert run.code == 2 and expected in run.err and run.err.count("\n") == 1 and not run.out, run.err


def test_the_law_on_two_dates_over_the_space_agrees_with_the_engine_on_every_profile():
    base = Policy.load([default_policy_dir()])
    d1, d2 = dt.date(2017, 4, 2), dt.date(2017, 4, 3)
    kw = dict(keys=("capability", "children"), max_children=1, where={"responsible_carer": "true"})
    r = exhaustive.diff(base, base, dates=(d1, d2), **kw)
    space = Space.build([base], dates=(d1, d2), **kw)
    assert r["profiles"] == space.size and r["space"]["dates"] == ["2017-04-02", "2017-04-03"]

    def outs(ev):
        return {str(Function(a.name, a.arguments[1:])) for a in ev.model.outputs()}
    # one profile, its dates fixed, evaluated on each date
    on_d1 = [from_dict({**space.scenario_dict(s), "date": "2017-04-02"}) for s in range(space.size)]
    engine = Engine(base)
    before, after = engine.evaluate_batch(on_d1), engine.evaluate_batch([space.scenario(s) for s in range(space.size)])
    expected = {s: (sorted(outs(b) - outs(a)), sorted(outs(a) - outs(b)))
                for s, (b, a) in enumerate(zip(before, after)) if outs(b) != outs(a)}
    got = {s: (c["before"], c["after"]) for c in r["cells"] for s in space.members(c["box"])}
    assert got == expected and r["changed"] == len(expected) > 0
    # the child-age change of 3 April 2017: a child aged 2 moves from the WFI-only group to work preparation
    assert any("regime(work_focused_interview)" in c["before"] and "regime(work_preparation)" in c["after"]
               for c in r["cells"])


def test_the_command_line_dates_diff_over_the_space_saves_examples_that_pass_wfikb_test(tmp_path):
    run = wfikb("diff", "--from-date", "2017-04-02", "--to-date", "2017-04-03", "--exhaustive", "--where",
                "couple=false", "--where", "earnings_monthly=0", "--save-examples", tmp_path, "--format", "json")
    assert run.code == 1, run.err
    r = json.loads(run.out)
    assert r["changed"] == sum(c["count"] for c in r["cells"]) > 0 and all(c["edits"] == [] for c in r["cells"])
    ok = wfikb("test", tmp_path, "-q")
    assert ok.code == 0 and f"{len(r['cells'])} passed, 0 failed" in ok.out, ok.out
