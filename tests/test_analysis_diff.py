"""Analysts' corpus tools: overlays as edits, corpus and date diffs, attribution, the directional check."""
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, wfikb

EXAMPLES = ROOT / "docs" / "examples"
THREE = EXAMPLES / "overlay-three-edits.lp"
CHILD_AGE = EXAMPLES / "overlay-child-age-2017-a-day-early.lp"
S = ROOT / "scenarios"


def corpus(tmp_path, *files, name="corpus"):
    d = tmp_path / name
    d.mkdir()
    for f in files:
        shutil.copy(S / f, d / Path(f).name)
    return d


def by_id(report):
    return {e["scenario"]: e for e in report["scenarios"]}


# ------------------------------------------------------------------ overlays as edits
def test_overlay_show_lists_each_edit_with_id_kinds_title_and_citation():
    run = wfikb("overlay", "show", THREE, "--format", "json")
    assert run.code == 0, run.err
    edits = run.json()["edits"]
    assert [(e["id"], e["kinds"]) for e in edits] == [
        ("work-prep-at-3", ["parameter"]), ("no-jobseekers-directions", ["disable"]), ("flag-support-group", ["rule"])]
    assert edits[0]["title"] == "Work preparation for the responsible carer of a child aged 3 instead of 2"
    assert edits[0]["cite"] == "Hypothetical amendment of WRA 2012 s.21(1)(aa) (not law)"
    assert edits[0]["parameters"] == [{"name": "uc_work_prep_child_age", "value": 3, "from": "2017-04-03", "to": None}]
    assert edits[1]["disables"] == ["jsa.s19a_2_c.jobseekers_direction"]
    assert edits[2]["rules"] == ["whatif.flag.support_group_review"]
    text = wfikb("overlay", "show", THREE)
    assert "no-jobseekers-directions  [disable]  (overlay-three-edits.lp:14)" in text.out
    assert "    switches off jsa.s19a_2_c.jobseekers_direction" in text.out


def test_a_file_without_edit_blocks_is_one_edit_named_after_the_file():
    run = wfikb("overlay", "show", EXAMPLES / "overlay-work-preparation-at-3.lp", "--format", "json")
    assert run.code == 0, run.err
    [e] = run.json()["edits"]
    assert e["id"] == "overlay-work-preparation-at-3"
    assert e["kinds"] == ["parameter", "disable"]
    assert e["disables"] == ["param.uc.s21_1_aa.child_age.2017"]


def test_overlay_inside_the_policy_folder_is_refused(tmp_path):
    run = wfikb("overlay", "show", ROOT / "policy" / "uc" / "parameters.lp")
    assert run.code == 2
    assert run.err.count("\n") == 1 and "beside, never inside, the policy folder" in run.err
    dup = tmp_path / "dup.lp"
    dup.write_text("% @edit a\n% @disable uc.s21.work_preparation\n% @edit a\n% @disable uc.s20.work_focused_interview_only\n")
    run = wfikb("overlay", "show", dup)
    assert run.code == 2 and "edit id 'a' is already used at dup.lp:1" in run.err and run.err.count("\n") == 1


def test_a_parameter_in_an_overlay_overrides_the_shipped_values_within_its_window_only(tmp_path):
    """Fails before the loader clips: both values would be in force (p/3 twice) from 2027."""
    from wfikb.engine import Engine
    from wfikb.loader import Policy, default_policy_dir
    from wfikb.model import Status
    from wfikb.scenario import from_dict
    ov = tmp_path / "age3.lp"
    ov.write_text("% @rule whatif.age3\n% @cite Hypothetical\n% @text (Hypothetical) a child aged 3.\n"
                  "param(uc_work_prep_child_age, 3, 20270401, 20281231).\n")
    policy = Policy.load([default_policy_dir(), ov])
    windows = sorted((str(c.head), c.rule.id) for c in policy.clauses
                     if c.is_fact and "uc_work_prep_child_age" in str(c.head))
    values = {}
    for c in policy.clauses:
        if c.is_fact and c.signature == ("param", 4) and "uc_work_prep_child_age" in str(c.head):
            from wfikb.terms import instantiate
            n, v, f, t = instantiate(c.head, {}).arguments
            values[(f.number, t.number)] = (v.number, c.rule.id)
    assert values == {(20170403, 20270331): (2, "param.uc.s21_1_aa.child_age.2017"),
                      (20270401, 20281231): (3, "whatif.age3"),
                      (20290101, 99991231): (2, "param.uc.s21_1_aa.child_age.2017")}, windows

    def lone_parent(day, born):
        return from_dict({"id": f"lp-{day}", "date": day, "claimant": {
            "benefit": "universal_credit", "lone_parent": True, "responsible_carer": True,
            "children": [{"born": born}]}, "ask": {"activities": ["work_preparation"]}})
    evs = Engine(policy).evaluate_batch([lone_parent("2027-06-01", "2024-01-10"), lone_parent("2027-06-01", "2025-01-10"),
                                         lone_parent("2029-06-01", "2027-01-10")])
    assert [ev.model.regime() for ev in evs] == ["work_preparation", "all_work_related_requirements", "work_preparation"]
    tree = evs[0].derivation.tree(Status("work_preparation", "mandatory").symbol(evs[0].model.s))
    leaves = []
    stack = [tree]
    while stack:
        n = stack.pop()
        leaves += [n] if n.kind == "parameter" else []
        stack += n.children
    assert any(n.rule == "whatif.age3" and "3" in n.text for n in leaves)


# ------------------------------------------------------------------ corpus diff and attribution
def test_child_age_change_replayed_a_day_early_changes_exactly_two_scenarios_with_their_edits(tmp_path):
    d = corpus(tmp_path, "uc/uc-case01-child-aged-2-on-2017-04-02.toml",
               "uc/uc-2017-04-02-child-aged-3-reg91a-last-day.toml",
               "uc/uc-case02-child-aged-2-on-2017-04-03.toml", "uc/uc-case03-child-aged-3-on-2014-04-28.toml")
    run = wfikb("diff", "--change", CHILD_AGE, d, "--format", "json")
    assert run.code == 1, run.err
    rep = run.json()
    assert rep["summary"]["scenarios"] == 4 and rep["summary"]["changed"] == 2
    got = by_id(rep)
    assert {k for k, e in got.items() if e["changed"]} == {
        "uc-case01-child-aged-2-on-2017-04-02", "uc-2017-04-02-child-aged-3-reg91a-last-day"}
    two = got["uc-case01-child-aged-2-on-2017-04-02"]
    assert (two["before"]["regime"], two["after"]["regime"]) == ("work_focused_interview", "work_preparation")
    assert two["before"]["activities"]["work_preparation"] == {"status": "voluntary", "sanction_risk": False}
    assert two["after"]["activities"]["work_preparation"] == {"status": "mandatory", "sanction_risk": True}
    assert two["edits"] == {"edits": ["wrwa-s17-from-2-april", "s20-as-enacted-ends-1-april"], "minimal": True}
    regime = next(x for x in two["differences"] if x["what"] == "regime")
    assert regime["because_before"]["rule"] == "uc.s20.work_focused_interview_only"
    assert regime["because_after"]["rule"] == "uc.s21.work_preparation"
    status = next(x for x in two["differences"] if x["what"] == "status")
    assert status["activity"] == "work_preparation"
    assert status["because_after"]["rule"] == "uc.s21_2.wfi_and_work_preparation"
    # the full explanation of the new regime rests on the overlay's commencement and parameter
    after = two["explanation"]["after"]
    assert after[0]["atom"] == "regime=work_preparation"
    rules, atoms = set(), set()
    stack = list(after)
    while stack:
        n = stack.pop()
        rules.add(n.get("rule"))
        atoms.add(n.get("atom"))
        stack += n.get("because", [])
    assert "whatif.param.uc.s21_1_aa.child_age.2_april" in rules
    assert "in force 2017-04-02 to now" in atoms      # the overlay's window for WRWA 2016 s.17
    assert [e["atom"] for e in two["explanation"]["before"]][0] == "regime=work_focused_interview"
    three = got["uc-2017-04-02-child-aged-3-reg91a-last-day"]
    assert three["edits"] == {"edits": ["reg91a-omitted-2-april"], "minimal": True}
    assert (three["before"]["regime"], three["after"]["regime"]) == ("work_preparation", "all_work_related_requirements")
    assert not got["uc-case02-child-aged-2-on-2017-04-03"]["changed"]
    assert "explanation" not in got["uc-case02-child-aged-2-on-2017-04-03"]


def test_attribution_names_each_of_three_independent_edits(tmp_path):
    d = corpus(tmp_path, "uc/uc-case02-child-aged-2-on-2017-04-03.toml", "jsa/jsa-claimant-2014.toml",
               "esa/esa-os-support-group.toml", "income_support/is-other-claimant-2015.toml")
    run = wfikb("diff", "--change", THREE, d, "--format", "json")
    assert run.code == 1, run.err
    got = by_id(run.json())
    assert got["uc-case02-child-aged-2-on-2017-04-03"]["edits"]["edits"] == ["work-prep-at-3"]
    assert got["jsa-claimant-2014"]["edits"]["edits"] == ["no-jobseekers-directions"]
    assert got["esa-os-support-group"]["edits"]["edits"] == ["flag-support-group"]
    assert not got["is-other-claimant-2015"]["changed"]
    jsa = [x for x in got["jsa-claimant-2014"]["differences"] if x["what"] == "status"]
    assert {(x["activity"], x["before"], x["after"]) for x in jsa} == {
        ("work_related_activity", "mandatory", "voluntary"), ("work_preparation", "mandatory", "voluntary")}
    assert all(x["because_before"]["rule"] == "jsa.s19a_2_c.jobseekers_direction" for x in jsa)
    assert all(x["because_after"]["rule"] == "core.status.voluntary_by_default" for x in jsa)
    flag = got["esa-os-support-group"]["differences"]
    assert flag == [{"what": "conclusion", "conclusion": "review_flag=support_group", "before": False, "after": True,
                     "because_before": None, "because_after": {
                         "text": "(Hypothetical) An ESA support-group member is flagged for a review.",
                         "rule": "whatif.flag.support_group_review",
                         "citation": "Hypothetical administrative instruction: review every ESA support-group member (not law)"}}]


def test_diff_exits_0_when_nothing_changes_and_text_gives_the_count(tmp_path):
    d = corpus(tmp_path, "income_support/is-other-claimant-2015.toml", "uc/uc-case03-child-aged-3-on-2014-04-28.toml")
    run = wfikb("diff", "--change", THREE, d)
    assert run.code == 0, run.err
    assert "2 scenarios: 0 changed, 2 unchanged" in run.out


def test_text_diff_gives_a_short_reason_before_and_after(tmp_path):
    d = corpus(tmp_path, "uc/uc-case01-child-aged-2-on-2017-04-02.toml")
    run = wfikb("diff", "--change", CHILD_AGE, d)
    assert run.code == 1, run.err
    lines = run.out.splitlines()
    assert "  edits: wrwa-s17-from-2-april, s20-as-enacted-ends-1-april" in lines
    assert "  regime: work_focused_interview -> work_preparation" in lines
    assert any(l.startswith("    before: ") and "[uc.s20.work_focused_interview_only: WRA 2012" in l for l in lines)
    assert any(l.startswith("    after: ") and "[uc.s21.work_preparation: WRA 2012" in l for l in lines)


# ------------------------------------------------------------------ law between two dates
def test_date_diff_replaces_the_date_and_skips_scenarios_with_later_dates(tmp_path):
    d = corpus(tmp_path, "uc/uc-case01-child-aged-2-on-2017-04-02.toml", "uc/uc-case10-earnings-800-april-2025.toml",
               "uc/uc-child-turns-2-on-the-date.toml")
    run = wfikb("diff", "--from-date", "2017-04-02", "--to-date", "2017-04-03", d, "--format", "json")
    assert run.code == 1, run.err
    rep = run.json()
    assert rep["kind"] == "dates" and (rep["from_date"], rep["to_date"]) == ("2017-04-02", "2017-04-03")
    skipped = {s["scenario"]: s["reason"] for s in rep["skipped"]}
    assert "uc-child-turns-2-on-the-date" in skipped
    assert "expected a date on or before the scenario date 2017-04-02" in skipped["uc-child-turns-2-on-the-date"]
    assert "wfikb: skipped uc-child-turns-2-on-the-date: " in run.err
    got = by_id(rep)
    two = got["uc-case01-child-aged-2-on-2017-04-02"]
    assert (two["date_before"], two["date_after"]) == ("2017-04-02", "2017-04-03")
    assert (two["before"]["regime"], two["after"]["regime"]) == ("work_focused_interview", "work_preparation")
    assert set(got) | set(skipped) == {"uc-case01-child-aged-2-on-2017-04-02", "uc-case10-earnings-800-april-2025",
                                       "uc-child-turns-2-on-the-date"}
    # the overlay replaying the change a day early, every scenario on 2 April: the same changes
    over = wfikb("diff", "--change", CHILD_AGE, "--on", "2017-04-02", d, "--format", "json", "--no-attribution")
    assert over.code == 1 and over.json()["skipped"] == rep["skipped"]
    replay = by_id(over.json())
    assert {k for k, e in replay.items() if e["changed"]} == {k for k, e in got.items() if e["changed"]}
    for k, e in replay.items():
        assert e["after"] == got[k]["after"] and e["date_before"] == e["date_after"] == "2017-04-02"


# ------------------------------------------------------------------ the directional check
def test_check_fails_with_the_witness_in_each_direction_and_passes_otherwise(tmp_path):
    d = corpus(tmp_path, "uc/uc-case02-child-aged-2-on-2017-04-03.toml", "jsa/jsa-claimant-2014.toml")
    new = wfikb("check", "--change", THREE, "--no-new-requirements", d, "--format", "json")
    assert new.code == 1, new.err
    res = new.json()
    assert res["result"] == "FAIL" and [w["scenario"] for w in res["witnesses"]] == ["uc-case02-child-aged-2-on-2017-04-03"]
    moves = res["witnesses"][0]["moves"]
    assert {(m["what"], m.get("activity"), m["before"], m["after"]) for m in moves} == {
        ("regime", None, "work_preparation", "all_work_related_requirements"),
        ("status", "work_search", "voluntary", "mandatory"), ("status", "work_availability", "voluntary", "mandatory")}
    assert res["witnesses"][0]["explanation"]["after"][0]["atom"] == "regime=all_work_related_requirements"
    lost = wfikb("check", "--change", THREE, "--no-lost-requirements", d)
    assert lost.code == 1
    assert lost.out.startswith("FAIL: --no-lost-requirements over 2 scenarios")
    assert "witness jsa-claimant-2014" in lost.out and "uc-case02" not in lost.out
    assert "  work_preparation: mandatory -> voluntary" in lost.out
    ok = wfikb("check", "--change", THREE, "--no-new-requirements", corpus(tmp_path, "jsa/jsa-claimant-2014.toml", name="jsa"))
    assert ok.code == 0 and ok.out.startswith("PASS: --no-new-requirements over 1 scenarios")


def test_an_overlay_that_leaves_uc_claimants_with_no_regime_is_reported_and_fails_the_check(tmp_path):
    broken = tmp_path / "broken.lp"
    broken.write_text("% @edit drop-s21-regime\n% @title Switch off the work preparation regime\n"
                      "% @disable uc.s21.work_preparation\n")
    d = corpus(tmp_path, "uc/uc-case02-child-aged-2-on-2017-04-03.toml")
    run = wfikb("diff", "--change", broken, d, "--format", "json")
    assert run.code == 1, run.err
    entry = run.json()["scenarios"][0]
    assert entry["problem_after"] == "The claimant receives Universal Credit, but no rule placed them in a regime"
    assert entry["after"]["regime"] is None and entry["edits"]["edits"] == ["drop-s21-regime"]
    for direction in ("--no-new-requirements", "--no-lost-requirements"):
        chk = wfikb("check", "--change", broken, direction, d)
        assert chk.code == 1 and "PROBLEM after the change: The claimant receives Universal Credit, but no rule placed them in a regime" in chk.out


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("args, says", [
    (("diff", "--change", THREE, "--from-date", "2017-04-02", "--to-date", "2017-04-03", "scenarios"),
     "give --change OVERLAY, or --from-date D1 --to-date D2"),
    (("diff", "--from-date", "2017-04-02", "scenarios"), "give both --from-date D1 and --to-date D2"),
    (("diff", "--from-date", "2017-4-2", "--to-date", "2017-04-03", "scenarios"), "--from-date: expected a date YYYY-MM-DD"),
    (("diff", "--change", "no-such.lp", "scenarios"), "no-such.lp: no such overlay file or folder"),
    (("diff", "--change", ROOT / "policy" / "uc", "scenarios"), "beside, never inside, the policy folder"),
    (("diff", "--change", THREE), "give the scenario files or folders to compare"),
    (("check", "--change", THREE, "scenarios"), "give one of --no-new-requirements or --no-lost-requirements"),
])
def test_bad_input_is_one_line_and_exit_2(args, says):
    run = wfikb(*args)
    assert run.code == 2 and says in run.err and run.err.count("\n") == 1 and not run.out, run.err


def test_a_bad_overlay_or_scenario_file_is_one_line_and_exit_2(tmp_path):
    unknown = tmp_path / "unknown.lp"
    unknown.write_text("% @edit off\n% @disable no.such.rule\n")
    d = corpus(tmp_path, "jsa/jsa-claimant-2014.toml")
    run = wfikb("diff", "--change", unknown, d)
    assert run.code == 2 and "@disable no.such.rule: no rule with that id" in run.err and run.err.count("\n") == 1
    stray = tmp_path / "stray.lp"
    stray.write_text("% @disable uc.s21.work_preparation\n% @edit a\n% @disable uc.s20.work_focused_interview_only\n")
    run = wfikb("overlay", "show", stray)
    assert run.code == 2 and "stray.lp:1: @edit: expected every rule and @disable inside" in run.err
    (d / "bad.toml").write_text('id = "bad"\ndate = 2020-01-01\n[claimant]\nbenefit = "nope"\n')
    run = wfikb("diff", "--from-date", "2020-01-01", "--to-date", "2020-01-02", d)
    assert run.code == 2 and "bad.toml: claimant.benefit: expected one of" in run.err and run.err.count("\n") == 1
    assert not run.out


def test_diff_exhaustive_counts_the_changed_profiles_in_cells_and_exits_1():
    run = wfikb("diff", "--change", EXAMPLES / "overlay-work-preparation-at-3.lp", "--exhaustive",
                "--on", "2027-04-05", "--where", "benefit=universal_credit", "--format", "json")
    assert run.code == 1, run.err
    r = run.json()
    # the default UC keys, two child slots: millions of profiles (exactness: tests/test_analysis_space.py)
    assert r["profiles"] > 10**6 and 0 < r["changed"] == sum(c["count"] for c in r["cells"])
    # every cell is about a child of 2 or 3 in one slot (the overlay moves nothing else)
    moved = {"aged 2 (730-1094 days), not foster", "aged 3 (1095-1460 days), not foster"}
    assert all(any(c["conditions"].get(slot) and set(c["conditions"][slot]) <= moved for slot in ("child1", "child2"))
               for c in r["cells"]), [c["conditions"] for c in r["cells"]]


def test_docs_analysts_shows_the_real_output_of_overlay_show():
    text = (ROOT / "docs" / "analysts.md").read_text()
    block = text.split("$ wfikb overlay show docs/examples/overlay-three-edits.lp\n", 1)[1].split("```", 1)[0]
    run = wfikb("overlay", "show", "docs/examples/overlay-three-edits.lp")
    assert run.code == 0 and run.out == block
