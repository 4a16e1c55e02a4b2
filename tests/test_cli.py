"""The command as users run it: evaluate, explain, test, rules."""
from conftest import EXAMPLE, FIXTURES, TOY_POLICY, wfikb

TOY = FIXTURES / "scenarios" / "toy-lone-parent.toml"


def test_evaluate_json_follows_the_contract_and_is_byte_identical_between_runs():
    a = wfikb("evaluate", TOY, "--format", "json", "--policy", TOY_POLICY)
    b = wfikb("evaluate", TOY, "--format", "json", "--policy", TOY_POLICY)
    assert a.code == 0, a.err
    assert a.out == b.out
    res = a.json()
    assert list(res) == ["scenario", "date", "policy", "regime", "activities", "conclusions"]
    assert res["scenario"] == "toy-lone-parent" and res["date"] == "2016-03-01"
    assert res["policy"].startswith("wfikb-")
    assert set(res["activities"]) == {"wfi", "work_related_activity"}
    assert [c["atom"] for c in res["conclusions"]] == [
        "regime=work_focused_interview", "activity=wfi:mandatory", "activity=work_related_activity:voluntary"]
    for c in res["conclusions"]:
        assert c["rule"] and c["citation"] and c["text"]


def test_evaluate_text_shows_each_activity_then_why():
    run = wfikb("evaluate", TOY, "--full", "--policy", TOY_POLICY)
    assert run.code == 0, run.err
    assert "Regime: work_focused_interview" in run.out
    assert "wfi                    mandatory" in run.out
    assert "- [4] A lone parent with a young child can be required to attend a WFI.  [toy.require_wfi; Toy Act s.4]" in run.out
    # the shared young-child explanation is given once, then referred back to by its number
    assert "- [2] Child 1 is aged 2, under the age limit of 3.  [toy.young_child; Toy Act s.2; seed S9.9]" in run.out
    assert "- Child 1 is aged 2, under the age limit of 3.  (see [2] above)" in run.out


def test_explain_why_prints_the_derivation_with_citations():
    run = wfikb("explain", TOY, "--why", "activity=wfi:mandatory", "--policy", TOY_POLICY)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "activity=wfi:mandatory holds:"
    assert "  - [1] wfi is mandatory.  [toy.status.mandatory; Toy status]" in lines
    assert any("scenario: child 1 is aged 2  (claimant.children[1].born)" in l for l in lines)


def test_explain_why_not_names_each_rule_and_what_failed():
    run = wfikb("explain", TOY, "--why-not", "activity=work_related_activity:mandatory", "--policy", TOY_POLICY)
    assert run.code == 0, run.err
    assert "* rule toy.status.mandatory [Toy status]" in run.out
    assert "failed: not shown: a provision" not in run.out
    assert "* rule toy.old_rule [Toy Act s.5 (repealed 2015)] (in force … to 2014-12-31)" in run.out
    assert "failed: the rule is not in force on the scenario date (in force … to 2014-12-31)" in run.out


def test_explain_why_not_json_lists_candidates():
    run = wfikb("explain", TOY, "--why-not", "regime=work_focused_interview", "--format", "json",
                "--policy", TOY_POLICY)
    data = run.json()
    assert data["holds"] is True and data["tree"]["rule"] == "toy.regime"


def test_explain_why_of_a_conclusion_that_does_not_hold_says_so_and_exits_1():
    run = wfikb("explain", TOY, "--why", "activity=wfi:voluntary", "--policy", TOY_POLICY)
    assert run.code == 1
    assert "activity=wfi:voluntary does not hold" in run.out and "--why-not" in run.out


def test_an_unreadable_conclusion_name_is_a_one_line_error():
    run = wfikb("explain", TOY, "--why", "activity=wfi", "--policy", TOY_POLICY)
    assert run.code == 2 and "expected activity=ACTIVITY:STATUS" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_test_command_reports_expected_and_got_and_ends_with_the_count(write):
    bad = write("s/toy-wrong.toml", TOY.read_text().replace('id = "toy-lone-parent"', 'id = "toy-wrong"')
                .replace('wfi = "mandatory"', 'wfi = "voluntary"'))
    write("s/toy-good.toml", TOY.read_text())
    run = wfikb("test", bad.parent, "--policy", TOY_POLICY)
    assert run.code == 1
    assert f"FAIL {bad} (toy-wrong)" in run.out
    assert "  activity wfi: expected voluntary, got mandatory" in run.out
    assert run.out.strip().splitlines()[-1] == "1 passed, 1 failed"


def test_test_coverage_lists_rules_no_scenario_exercises():
    run = wfikb("test", TOY, "--coverage", "--policy", TOY_POLICY)
    assert run.code == 1
    assert "never exercised: toy.exempt.carer" in run.out
    assert "never exercised: toy.param.age_limit.old" in run.out
    assert "never exercised: toy.param.age_limit.new" not in run.out
    assert run.out.strip().splitlines()[-1] == "1 passed, 0 failed"


def test_duplicate_scenario_ids_are_refused(write):
    write("d/a.toml", TOY.read_text())
    write("d/b.toml", TOY.read_text())
    run = wfikb("test", write("d/x.txt", "").parent, "--policy", TOY_POLICY)
    assert run.code == 2 and "expected a unique id" in run.err


def test_rules_lists_every_rule_with_its_window():
    run = wfikb("rules", "--policy", TOY_POLICY)
    assert "toy.old_rule  (… to 2014-12-31)\n    Toy Act s.5 (repealed 2015)" in run.out


def test_help_shows_examples():
    run = wfikb("explain", "--help")
    assert "--why-not activity=work_programme:mandatory" in run.out


def test_works_from_any_directory(tmp_path):
    run = wfikb("evaluate", EXAMPLE, "--format", "json", cwd=tmp_path)
    assert run.code == 0, run.err


def test_depth_summarises_deeper_steps_in_text():
    run = wfikb("explain", TOY, "--why", "activity=wfi:mandatory", "--depth", "1", "--policy", TOY_POLICY)
    assert run.code == 0, run.err
    assert "- A lone parent with a young child can be required to attend a WFI.  [toy.require_wfi; Toy Act s.4]  (7 more steps)" in run.out
    assert "child 1 is aged 2" not in run.out


def test_an_overlay_changes_a_dated_parameter_without_editing_the_policy():
    from conftest import ROOT
    case = ROOT / "docs" / "examples" / "uc-child-aged-3-2027.toml"
    overlay = ROOT / "docs" / "examples" / "overlay-work-preparation-at-3.lp"
    before = wfikb("evaluate", case, "--format", "json").json()
    after = wfikb("evaluate", case, "--format", "json", "--overlay", overlay).json()
    assert before["regime"] == "all_work_related_requirements"
    assert after["regime"] == "work_preparation"
    assert after["activities"]["work_search"]["status"] == "voluntary"
    assert "whatif.param.uc.s21_1_aa.child_age.2027" in after["activities"]["work_preparation"]["because"]
    assert before["policy"] != after["policy"]
