"""`wfikb timeline`: the days on which an outcome changes, checked against evaluating every day.

Each day-by-day check evaluates every day of a short span in ONE batch and lists the days on which
the outcome (regime, each activity's status and sanction risk, every other conclusion) differs
from the day before; the timeline, which evaluates only the candidate days it reads from the
policy, must report exactly those days, with the same outcome before and after.
"""
import datetime as dt
import json

import pytest

from conftest import ROOT, wfikb
from wfikb import timeline as tl
from wfikb.scenario import from_dict, load
from wfikb.thresholds import candidates
from wfikb.facts import scenario_facts

D = dt.date
EXAMPLES = ROOT / "scenarios" / "examples"
LONE_PARENT = EXAMPLES / "timeline-uc-lone-parent-child-turns-1-2-3.toml"
ESA_SPA = EXAMPLES / "timeline-esa-reaching-pensionable-age.toml"
UC_ACTS = ["wfi", "work_preparation", "work_search", "work_availability"]


def day_by_day(engine, sc, until):
    """(date, before, after) for every day whose outcome differs from the day before's."""
    days = [sc.date + dt.timedelta(days=i) for i in range((until - sc.date).days + 1)]
    outs = [tl.outcome(ev) for ev in engine.evaluate_batch([tl.moved(sc, d) for d in days])]
    return [(days[i], outs[i - 1], outs[i]) for i in range(1, len(days)) if outs[i] != outs[i - 1]]


def check_against_every_day(engine, sc, until):
    t = tl.build(engine, sc, until)
    got = [(c.date, c.before, c.after) for c in t.changes]
    want = day_by_day(engine, sc, t.until)
    assert [g[0] for g in got] == [w[0] for w in want], "change days differ from the day-by-day evaluation"
    assert got == want
    assert t.evaluated < (t.until - t.start).days / 3, "the timeline should evaluate far fewer days than a day loop"
    return t


def uc(date, **claimant):
    return from_dict({"id": "t", "date": date, "claimant": {"benefit": "universal_credit", **claimant},
                      "ask": {"activities": UC_ACTS}})


def rules_of(change):
    no_longer, now = tl.rule_change(change)
    return set(no_longer), set(now)


# ------------------------------------------------------------------ against every day
def test_lone_parent_child_turning_1_2_and_3(engine):
    t = check_against_every_day(engine, load(LONE_PARENT), D(2021, 9, 20))
    assert [c.date for c in t.changes] == [D(2019, 9, 15), D(2020, 9, 15), D(2021, 9, 15)]
    assert [(c.before.regime, c.after.regime) for c in t.changes] == [
        ("no_work_related_requirements", "work_focused_interview"),
        ("work_focused_interview", "work_preparation"),
        ("work_preparation", "all_work_related_requirements")]
    first, second, third = map(rules_of, t.changes)
    assert "uc.s19_2_c.child_under_1" in first[0] and "uc.s20_1_a.child_aged_1" in first[1]
    assert "uc.s20_1_a.child_aged_1" in second[0] and "uc.s21_1_aa.child_aged_2" in second[1]
    assert "uc.s21_1_aa.child_aged_2" in third[0] and "uc.s22.not_within_s19_to_s21" in third[1]
    # the step shown for the regime is the age rule, not the group's default
    ended, started = tl.reasons(t.changes[1])
    regime = next(x for x in started if x.atom == "regime=work_preparation")
    assert tl.pivot(regime, {r for x in ended for r in x.rule_ids()}).rule == "uc.s21_1_aa.child_aged_2"


def test_esa_claimant_reaching_pensionable_age(engine):
    sc = tl.moved(load(ESA_SPA), D(2026, 7, 1))
    t = check_against_every_day(engine, sc, D(2026, 10, 31))
    assert [c.date for c in t.changes] == [D(2026, 9, 20)]
    ch = t.changes[0]
    assert dict((a, s) for a, s, _ in ch.before.activities) == {"wfi": "mandatory", "work_related_activity": "mandatory"}
    assert dict((a, s) for a, s, _ in ch.after.activities) == {"wfi": "voluntary", "work_related_activity": "voluntary"}
    assert "esa2008.reg54_2_c.pensionable_age.months" in rules_of(ch)[1]
    assert "param.uc.spc_qualifying_age.months" in rules_of(ch)[1]


def test_esa_claimant_of_a_phased_cohort_reaches_pensionable_age_on_the_tabled_date(engine):
    # born 10 June 1953: the Pensions Act 2011 table gives 6 March 2017 (a date, not an age)
    sc = from_dict({"id": "t", "date": D(2017, 1, 1), "claimant": {
        "benefit": "esa_income_related", "esa_group": "wrag", "born": D(1953, 6, 10)},
        "ask": {"activities": ["wfi", "work_related_activity"]}})
    t = check_against_every_day(engine, sc, D(2017, 4, 30))
    assert D(2017, 3, 6) in [c.date for c in t.changes]
    ch = next(c for c in t.changes if c.date == D(2017, 3, 6))
    assert "esa2008.reg54_2_c.pensionable_age.phased" in rules_of(ch)[1]


def test_pregnancy_window_opens_and_the_timeline_stops_at_the_due_date(engine):
    sc = uc(D(2025, 2, 1), pregnant_due=D(2025, 5, 21))
    t = check_against_every_day(engine, sc, D(2026, 1, 1))
    assert t.until == D(2025, 5, 21) and "pregnant_due" in t.notes[0]
    # the expected week of confinement starts on Sunday 18 May; 11 weeks before: 2 March
    assert [c.date for c in t.changes] == [D(2025, 3, 2)]
    assert t.changes[0].after.regime == "no_work_related_requirements"
    assert "uc.reg89_1_c.pregnancy" in rules_of(t.changes[0])[1]


def test_post_birth_window_ends(engine):
    sc = uc(D(2025, 1, 1), couple=True, gave_birth=D(2024, 11, 18), children=[{"born": D(2024, 11, 18)}])
    t = check_against_every_day(engine, sc, D(2025, 6, 1))
    # 15 weeks after the birth (105 days) is 3 March; the window ends after it
    assert [c.date for c in t.changes] == [D(2025, 3, 4)]
    assert "uc.reg89_1_c.after_confinement" in rules_of(t.changes[0])[0]


def test_a_date_spanning_the_3_april_2017_change(engine):
    sc = load(ROOT / "scenarios" / "uc" / "uc-case01-child-aged-2-on-2017-04-02.toml")
    t = check_against_every_day(engine, tl.moved(sc, D(2017, 3, 1)), D(2017, 5, 1))
    assert [c.date for c in t.changes] == [D(2017, 4, 3)]
    no_longer, now = rules_of(t.changes[0])
    assert "param.uc.reg91_1.prescribed_age.2014" in no_longer and "uc.s21_1_aa.child_aged_2" in now


def test_an_award_reaching_26_weeks(engine):
    sc = load(ROOT / "scenarios" / "partners" / "partner-is-under-26-weeks.toml")
    t = check_against_every_day(engine, sc, D(2015, 8, 1))
    # claim on 1 January 2015: 26 weeks (182 days) have passed on 2 July
    assert [c.date for c in t.changes] == [D(2015, 7, 2)]
    assert "partner2003.reg3_2_a.under_26_weeks" in rules_of(t.changes[0])[0]


def test_a_foster_parent_between_placements_leaves_reg91_2_d_after_8_weeks(engine):
    # the rule's first condition is a scenario fact (benefit): the walk must carry on past it
    sc = load(ROOT / "scenarios" / "uc" / "uc-case09-between-placements-54-days.toml")
    t = check_against_every_day(engine, sc, D(2025, 5, 1))
    # no placement since 8 January 2025: 8 weeks (56 days) or less until 5 March
    assert [c.date for c in t.changes] == [D(2025, 3, 6)]
    assert "uc.reg91_2_d.between_placements" in rules_of(t.changes[0])[0]


def test_an_earnings_threshold_moving_with_a_new_minimum_wage(engine):
    sc = load(ROOT / "scenarios" / "uc" / "uc-aet-2023-hours-on-2024-05-12.toml")
    t = check_against_every_day(engine, tl.moved(sc, D(2024, 3, 1)), D(2024, 6, 30))
    assert D(2024, 5, 13) in [c.date for c in t.changes]


def test_an_overlay_parameter_commencing():
    from wfikb.engine import Engine
    from wfikb.loader import Policy, default_policy_dir
    overlay = ROOT / "docs" / "examples" / "overlay-work-preparation-at-3.lp"
    engine = Engine(Policy.load([default_policy_dir(), overlay]))
    sc = tl.moved(load(ROOT / "docs" / "examples" / "uc-child-aged-3-2027.toml"), D(2027, 3, 1))
    t = check_against_every_day(engine, sc, D(2027, 5, 1))
    assert [c.date for c in t.changes] == [D(2027, 4, 1)]
    assert "whatif.param.uc.s21_1_aa.child_age.2027" in rules_of(t.changes[0])[1]


# ------------------------------------------------------------------ candidate days
def test_candidate_days_come_from_the_scenario_dates_and_the_policy(engine):
    sc = load(LONE_PARENT)
    days, unsolved = candidates(engine.policy, scenario_facts(0, sc), sc.date, D(2024, 9, 1))
    assert unsolved == []
    assert {D(2019, 9, 15), D(2020, 9, 15), D(2021, 9, 15)} <= set(days)   # birthdays
    assert len(days) < 100          # a few per year, not a day loop


def test_json_follows_the_contract(engine):
    t = tl.build(engine, load(LONE_PARENT), D(2021, 9, 20))
    data = json.loads(json.dumps(tl.to_json(t)))
    assert (data["scenario"], data["from"], data["until"]) == (
        "timeline-uc-lone-parent-child-turns-1-2-3", "2019-09-01", "2021-09-20")
    assert [c["date"] for c in data["changes"]] == ["2019-09-15", "2020-09-15", "2021-09-15"]
    ch = data["changes"][1]
    assert set(ch) >= {"date", "before", "after", "because"}
    assert ch["before"]["regime"] == "work_focused_interview" and ch["after"]["regime"] == "work_preparation"
    assert ch["after"]["activities"]["work_preparation"] == {"status": "mandatory", "sanction_risk": True}
    started = [b for b in ch["because"] if b.get("starts")]
    assert any(b["atom"] == "regime=work_preparation" for b in started)
    # the folded explanation reaches the age rule; each node is given once, then by reference
    text = json.dumps(ch["because"])
    assert '"rule": "uc.s21_1_aa.child_aged_2"' in text and '"ref"' in text
    assert "uc.s21_1_aa.child_aged_2" in ch["rules"]["now"]


def test_cli_text_markdown_and_json():
    run = wfikb("timeline", LONE_PARENT, "--until", "2021-09-20")
    assert run.code == 0, run.err
    assert ("2020-09-15\n  regime: work-focused interview requirement only (WRA 2012 s.20) -> work-focused interview and "
            "work preparation (WRA 2012 s.21)") in run.out
    assert "because The claimant is the responsible carer of child 1, aged 2" in run.out
    md = wfikb("timeline", LONE_PARENT, "--until", "2021-09-20", "--format", "md")
    assert md.code == 0 and "### 2020-09-15" in md.out and "→" in md.out
    js = wfikb("timeline", LONE_PARENT, "--until", "2021-09-20", "--format", "json")
    assert js.code == 0 and [c["date"] for c in js.json()["changes"]] == ["2019-09-15", "2020-09-15", "2021-09-15"]


@pytest.mark.parametrize("args, words", [
    (["--until", "2021-13-01"], "--until"),
    (["--until", "soon"], "--until"),
    (["--until", "2019-01-01"], "expected a date after the scenario date"),
    (["--until", "2090-01-01"], "at most 20 years"),
])
def test_bad_until_is_one_line_exit_2(args, words):
    run = wfikb("timeline", LONE_PARENT, *args)
    assert run.code == 2 and run.out == ""
    assert len(run.err.strip().splitlines()) == 1 and words in run.err and "Traceback" not in run.err


def test_a_due_date_already_passed_without_a_birth_is_refused(tmp_path):
    f = tmp_path / "due.toml"
    f.write_text('id = "x"\ndate = 2025-06-01\n[claimant]\nbenefit = "universal_credit"\npregnant_due = 2025-05-21\n')
    run = wfikb("timeline", f)
    assert run.code == 2 and run.out == "" and len(run.err.strip().splitlines()) == 1
    assert "claimant.pregnant_due" in run.err and "gave_birth" in run.err


def test_bad_file_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\ndate = 2020-01-01\n[claimant]\nbenefit = "nope"\n')
    for path, words in ((bad, "claimant.benefit"), (tmp_path / "missing.toml", "no such file")):
        run = wfikb("timeline", path)
        assert run.code == 2 and run.out == "" and len(run.err.strip().splitlines()) == 1
        assert words in run.err


def test_docs_show_the_real_output():
    """docs/timeline.md shows each command as written with its real output."""
    import re
    doc = (ROOT / "docs" / "timeline.md").read_text()
    pairs = re.findall(r"```sh\n(wfikb timeline [^\n|]+)\n```\n\n```text\n(.*?)```", doc, re.S)
    assert len(pairs) == 2
    for command, shown in pairs:
        run = wfikb(*command.split()[1:])
        assert run.code == 0 and run.out == shown, f"docs/timeline.md is stale for: {command}"


TINY = """
% @rule tiny.param
% @cite test
% @text k is 3.
param(k, 3, 20000101, 99991231).

% @rule tiny.weeks
% @cite test
% @text K weeks since the claim.
x(S) :- days_since(S, claimant, claim_date, N), p(S, k, K), N >= K * 7.

% @rule tiny.exact_day
% @cite test
% @text The tenth day of the claim.
z(S) :- days_since(S, claimant, claim_date, 10).
"""


def test_thresholds_solve_day_counts_and_refuse_what_they_cannot():
    from wfikb.loader import Policy
    sc = from_dict({"id": "t", "date": D(2020, 1, 1), "claimant": {"benefit": "jsa", "claim_date": D(2020, 1, 1)}})
    days, unsolved = candidates(Policy.from_files([("tiny.lp", TINY)]), scenario_facts(0, sc), sc.date, D(2020, 3, 1))
    assert unsolved == []
    assert D(2020, 1, 22) in days and D(2020, 1, 11) in days     # 21 days on; day 10 written as a number
    assert len(days) < 15
    carried = TINY + "\n% @rule tiny.carried\n% @cite test\n% @text Days since the claim.\n" \
                     "y(S, N) :- days_since(S, claimant, claim_date, N).\n"
    _, unsolved = candidates(Policy.from_files([("tiny.lp", carried)]), scenario_facts(0, sc), sc.date, D(2020, 3, 1))
    assert unsolved == ["tiny.carried"]
