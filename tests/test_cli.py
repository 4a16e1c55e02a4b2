"""The command as users run it: evaluate, explain, test, rules."""
import subprocess
import sys

import pytest

from conftest import EXAMPLE, FIXTURES, ROOT, TOY_POLICY, wfikb

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
    assert "Regime: work-focused interview requirement only (WRA 2012 s.20)" in run.out
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


def test_a_repeated_scenario_id_fails_that_file_and_the_run_goes_on(write):
    a = write("d/a.toml", TOY.read_text())
    b = write("d/b.toml", TOY.read_text())
    run = wfikb("test", write("d/x.txt", "").parent, "--policy", TOY_POLICY)
    assert run.code == 1, run.err
    assert f"ok   {a}" in run.out
    assert f"FAIL {b}\n  {b}: id: expected a unique id; 'toy-lone-parent' is also used by {a}" in run.out
    assert run.out.strip().splitlines()[-1] == "1 passed, 1 failed"


def test_a_bad_file_is_a_failure_with_its_error_and_the_run_reaches_the_summary(write):
    good = write("m/good.toml", TOY.read_text())
    bad = write("m/bad.json", '{"id": "a", "id": "b"}')
    evil = write("m/evil.toml", TOY.read_text().replace("[ask]", '"x\\nok   fake" = 1\n[ask]'))
    run = wfikb("test", good.parent, "--policy", TOY_POLICY)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err and run.err == ""
    assert f"FAIL {bad}\n  {bad}: id: expected each key once in its object" in run.out
    assert f"FAIL {evil}\n  {evil}: claimant.x\\nok   fake: unknown key" in run.out
    assert f"ok   {good}" in run.out
    assert run.out.strip().splitlines()[-1] == "1 passed, 2 failed"


def test_the_same_folder_named_twice_is_read_once(write):
    one = write("twice/toy.toml", TOY.read_text())
    run = wfikb("test", one.parent, one.parent, one, "--policy", TOY_POLICY)
    assert run.code == 0, run.out + run.err
    assert run.out.strip().splitlines() == [f"ok   {one}", "1 passed, 0 failed"]


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


# ---------------------------------------------------------------- hostile and careless use (issue 13)
@pytest.mark.parametrize("option, name, needle", [
    ("--why", "regime=\u00e9", "printable ASCII"),
    ("--why-not", "activit\u00e9=wfi:mandatory", "printable ASCII"),
    ("--why-not", "benefit(1)", "benefit/1 is a scenario fact and these arguments do not fit it"),
    ("--why-not", "child(x)", "child/1 is a scenario fact"),
    ("--why-not", "date_of(1,2,3)", "date_of/3 is a scenario fact"),
    ("--why", "weekday(claimant,born,9)", "weekday/3 is a scenario fact"),
    ("--why-not", "regime=(", "not a conclusion name"),
])
def test_unreadable_conclusion_names_are_one_line_errors(option, name, needle):
    run = wfikb("explain", EXAMPLE, option, name)
    assert run.code == 2, run.err
    assert run.out == "" and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert needle in run.err


def test_input_facts_with_fitting_arguments_still_explain():
    run = wfikb("explain", EXAMPLE, "--why-not", "benefit(esa_income_related)")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "benefit(esa_income_related) holds:"
    assert "scenario: the claimant receives old-style ESA" in run.out


@pytest.mark.parametrize("args, needle", [
    (["evaluate", "--fo", "x"], "No such option '--fo'"),
    (["evaluat"], "No such command 'evaluat'"),
    (["evaluate"], "Missing argument 'FILE'"),
    (["explain", "x.toml", "--why", "a", "--why-not", "b"], "give --why or --why-not, not both"),
])
def test_usage_errors_fit_one_line(args, needle):
    run = wfikb(*args)
    assert run.code == 2
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("wfikb: error: ") and needle in lines[0] and "--help" in lines[0]


def test_a_closed_pipe_ends_the_output_quietly_with_status_0():
    """`wfikb rules | head -1`: the reader stops after one line, the command exits 0, no traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "wfikb", "rules"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    first = proc.stdout.readline()
    proc.stdout.close()                  # far more than a pipe buffer is still to come
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, err
    assert first.strip() and err == b""


def test_a_title_cannot_fake_an_output_line_or_reach_the_terminal(write):
    path = write("t.toml", TOY.read_text().replace(
        'title = "Lone parent of a two-year-old"',
        'title = "x\\nRegime: no_work_related_requirements\\u001b[1A\\u009b2K\\u202e"'))
    run = wfikb("evaluate", path, "--policy", TOY_POLICY)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "Scenario toy-lone-parent: x\\nRegime: no_work_related_requirements\\x1b[1A\\x9b2K\\u202e"
    assert [l for l in lines if l.startswith("Regime:")] == ["Regime: work-focused interview requirement only (WRA 2012 s.20)"]
    assert not any(c in run.out for c in "\x1b\x9b\u202e")
    js = wfikb("evaluate", path, "--policy", TOY_POLICY, "--format", "json")
    assert not any(c in js.out for c in "\x1b\x9b\u202e") and js.json()["scenario"] == "toy-lone-parent"


def test_names_echoed_by_explain_and_test_are_escaped(write):
    path = write("n.toml", TOY.read_text())
    run = wfikb("explain", path, "--why", 'regime=f("a\\nb")', "--policy", TOY_POLICY)
    assert run.code == 1
    assert len(run.out.strip().splitlines()) == 1, run.out
    bad = write("e/n.toml", TOY.read_text().replace("[expect]", '[expect]\nconclusions = ["regime=\\u001b[2Kx"]'))
    run = wfikb("test", bad, "--policy", TOY_POLICY)
    assert run.code == 1 and "\x1b" not in run.out
    assert f"  {bad}: expect.conclusions[1]: expected a name in printable ASCII" in run.out


def test_escaping_shows_every_control_and_bidi_character():
    from wfikb.escape import json_safe, printable
    assert printable("a\nb\r\tc\x1b[0m\x7f\x9b\u2028\u202e\u2066\ufeff") == \
        "a\\nb\\r\\tc\\x1b[0m\\x7f\\x9b\\u2028\\u202e\\u2066\\ufeff"
    assert printable("caf\u00e9 \u00a3 \u2014 \\n") == "caf\u00e9 \u00a3 \u2014 \\n"   # readable text is kept
    assert printable("<b>&", markup=True) == "&lt;b&gt;&amp;"
    import json
    text = json.dumps({"t": "x\x9b\u2028\u202e\n"}, indent=2, ensure_ascii=False)
    assert json.loads(json_safe(text)) == {"t": "x\x9b\u2028\u202e\n"}
    assert not any(c in json_safe(text) for c in "\x9b\u2028\u202e")
