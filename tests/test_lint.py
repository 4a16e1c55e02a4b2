"""`wfikb lint`: a bad example of each finding is caught; the shipped policy has none."""
import pytest

from conftest import ROOT, wfikb

H = "% @rule {id}\n% @cite Test Act s.1\n% @text {text}\n"
OK = H.format(id="t.base", text="Base.") + "t_base(S) :- scenario(S).\n% @output t_base/1\n"


def lint_text(tmp_path, text):
    from wfikb.lint import lint
    d = tmp_path / "pol"
    d.mkdir(exist_ok=True)
    (d / "t.lp").write_text(OK + text)
    return [f.split(": ", 1)[1] if ": " in f else f for f in lint([d])], lint([d])


CASES = [
    ("% @rule t.a\n% @text A.\nt_a(S) :- t_base(S).\n% @output t_a/1\n", "rule t.a: no @cite"),
    ("% @rule t.a\n% @cite C\nt_a(S) :- t_base(S).\n% @output t_a/1\n", "rule t.a: no @text"),
    (H.format(id="t.base", text="Again.") + "t_b(S) :- t_base(S).\n% @output t_b/1\n",
     "rule id t.base is already used at "),
    (H.format(id="t.a", text="Base.") + "t_a(S) :- t_base(S).\n% @output t_a/1\n",
     "rule t.a: @cite and @text repeat those of t.base"),
    (H.format(id="t.a", text="A.") + "t_a(S) :- t_base(S), t_nowhere(S).\n% @output t_a/1\n",
     "t_nowhere/1 is used but never defined"),
    (H.format(id="t.a", text="A.") + "t_a(S) :- t_base(S), t_nowhere(S).\n% @output t_a/1\n",
     "rule t.a can never fire: nothing defines t_nowhere/1"),
    (H.format(id="t.a", text="A.") + "t_unused(S) :- t_base(S).\n", "t_unused/1 is defined but never used"),
    (H.format(id="t.a", text="A.") + "t_a(S) :- t_base(S), years_since(S, claimant, born, A), A < 3, A > 5.\n"
     "% @output t_a/1\n", "rule t.a can never fire: no value of A satisfies its comparisons"),
    (H.format(id="t.a", text="A.") + "t_a(S) :- t_base(S), 3 < 2.\n% @output t_a/1\n",
     "rule t.a can never fire: 3 < 2 is false"),
    (H.format(id="t.a", text="A.") + "t_a(S) :- t_base(S), not t_base(S).\n% @output t_a/1\n",
     "rule t.a can never fire: it requires t_base(S) and its absence"),
    (H.format(id="t.p1", text="P.") + "param(t_age, 5, 20130101, 20141231).\n" +
     H.format(id="t.p2", text="P.") + "param(t_age, 3, 20141201, 99991231).\n",
     "param t_age: from 20141201 overlaps the value at "),
    (H.format(id="t.p1", text="P.") + "param(t_age, 5, 20130101, 20141231).\n" +
     H.format(id="t.p2", text="P.") + "param(t_age, 3, 20150201, 99991231).\n",
     "param t_age: gap from 20150101 to the day before 20150201"),
    (H.format(id="t.p1", text="P.") + "param(t_age, 5, 20130101, 20141331).\n",
     "param t_age: 20141331 is not a date YYYYMMDD"),
    (H.format(id="t.a", text="A.") + "% @in_force 2015-01-01..2014-01-01\nt_a(S) :- t_base(S).\n% @output t_a/1\n",
     "@in_force window ends before it starts"),
    (H.format(id="t.a", text="A.") + "% @in_force 2015-02-30..\nt_a(S) :- t_base(S).\n% @output t_a/1\n",
     "@in_force has an impossible date"),
    (H.format(id="t.a", text="A.") + "% @in_force 2015-01-01..\nt_a(1) :- t_base(1).\n% @output t_a/1\n",
     "@in_force needs a head whose first argument is S"),
]


@pytest.mark.parametrize("text,finding", CASES, ids=[c[1][:40] for c in CASES])
def test_each_kind_of_finding_is_caught_with_file_and_line(tmp_path, text, finding):
    _, lines = lint_text(tmp_path, text)
    hits = [f for f in lines if finding in f]
    assert hits, lines
    assert all(":" in h and h.split(":")[1].isdigit() for h in hits), hits   # FILE:LINE: finding


def test_a_deliberate_gap_is_marked_and_a_clean_policy_has_no_findings(tmp_path):
    text = (H.format(id="t.p1", text="P1.") + "param(t_age, 5, 20130101, 20141231).\n" +
            H.format(id="t.p2", text="P2.") + "% @gap the provision was suspended in January 2015\n"
            "param(t_age, 3, 20150201, 99991231).\n" +
            H.format(id="t.a", text="A {A}.") + "t_a(S, A) :- t_base(S), p(S, t_age, A).\n% @output t_a/2\n" +
            H.format(id="t.p", text="P.") + "p(S, N, V) :- today(S, D), param(N, V, F, T), F <= D, D <= T.\n")
    _, lines = lint_text(tmp_path, text)
    assert lines == []


def test_lint_command_prints_one_line_per_finding_and_exits_1(write):
    bad = write("o.lp", H.format(id="whatif.a", text="A.") + "whatif_a(S) :- scenario(S), nowhere(S).\n")
    r = wfikb("lint", "--overlay", bad)
    assert r.code == 1
    mine = [line for line in r.out.splitlines() if line.startswith(str(bad))]
    assert mine == [
        f"{bad}:4: nowhere/1 is used but never defined (no rule, policy fact or scenario fact gives it)",
        f"{bad}:4: whatif_a/1 is defined but never used (declare it with '% @output NAME/ARITY' if something "
        "outside the policy reads it)",
        f"{bad}:4: rule whatif.a can never fire: nothing defines nowhere/1"]


def test_the_shipped_policy_has_no_lint_findings():
    r = wfikb("lint")
    assert (r.code, r.out) == (0, "lint: no findings\n")


def test_the_shipped_example_overlay_has_no_lint_findings():
    r = wfikb("lint", "--overlay", ROOT / "docs" / "examples" / "overlay-work-preparation-at-3.lp")
    assert (r.code, r.out) == (0, "lint: no findings\n")


def test_lint_overlay_checks_the_edits_of_an_overlay(tmp_path):
    overlay = tmp_path / "bad-overlay.lp"
    overlay.write_text(
        "% @edit e1\n% @title A bad edit\n% @cite Hypothetical (not law)\n% @disable no.such.rule\n"
        "% @rule whatif.a\n% @cite x\nparam(uc_aet_hours_sngle, 2000, 20270401, 99991231).\n"
        "% @rule whatif.b\n% @cite y\n% @text z\nparam(uc_aet_hours_single, 2000, 20270401, 20280101).\n"
        "param(uc_aet_hours_single, 2100, 20271201, 99991231).\n")
    r = wfikb("lint", "--overlay", overlay)
    assert r.code == 1
    lines = r.out.splitlines()
    name = str(overlay)
    assert f"{name}:4: @disable no.such.rule: no rule with that id in the policy" in lines
    assert f"{name}:7: param uc_aet_hours_sngle: the policy has no parameter of that name" in lines
    assert f"{name}:12: param uc_aet_hours_single: from 20271201 overlaps the value at {name}:11 (in force to 20280101)" in lines
    assert f"{name}:5: rule whatif.a: no @text" in lines
    # the edit header's @title and @cite are the edit's, and overriding a shipped parameter is no overlap
    assert not [x for x in lines if "@title" in x or "@cite" in x or "policy/uc/parameters.lp" in x]


@pytest.mark.parametrize("overlay", sorted((ROOT / "docs" / "examples").glob("overlay*.lp")), ids=lambda p: p.name)
def test_every_example_overlay_has_no_lint_findings(overlay):
    r = wfikb("lint", "--overlay", overlay)
    assert (r.code, r.out) == (0, "lint: no findings\n")
