"""The policy loader refuses statements that break the authoring rules, naming file and line."""
import pytest

from wfikb.errors import PolicyError
from wfikb.loader import Cmp, Neg, Policy, Pos

HEAD = "% @rule t.a\n% @cite Act s.1\n% @text Text.\n"


def load(text):
    return Policy([("p/test.lp", text)])


@pytest.mark.parametrize("text, message", [
    ("a(S) :- scenario(S).\n", "p/test.lp:1: statement has no @rule annotation"),
    ("% @rule t.a\n% @text T.\na(S) :- scenario(S).\n", "rule t.a has no @cite"),
    ("% @rule t.a\n% @cite C\na(S) :- scenario(S).\n", "rule t.a has no @text"),
    (HEAD + "{ a(S) } :- scenario(S).\n", "the head must be one atom"),
    (HEAD + "a(S) | b(S) :- scenario(S).\n", "the head must be one atom"),
    (HEAD + ":- today(1, D).\n", "a constraint must be about one scenario"),
    (HEAD + "a(S).\n" + HEAD, "rule id 't.a' is already used"),
    ("% @rule T.A\n% @cite C\n% @text T.\na(1).\n", "rule id 'T.A'"),
    ("% @rule t.a\n% @cite C\n% @text Value {X}.\na(S) :- scenario(S).\n", "@text uses {X}"),
    ("% @rule t.a\n% @cite C\n% @text T.\n% @in_force 2020-01-01..2019-01-01\na(S) :- scenario(S).\n",
     "window ends before it starts"),
    (HEAD + "a(S) :- scenario(S), not b(S, X).\n", "unsafe rule"),
    (HEAD + "a(S) :- scenario(S\n", "p/test.lp"),
])
def test_policy_errors_name_the_file_and_what_is_wrong(text, message):
    with pytest.raises(PolicyError) as e:
        load(text)
    assert message in str(e.value)


def test_each_rule_is_rewritten_to_record_the_instance_that_fired():
    policy = load(HEAD + "a(S, X) :- b(S, X), X > 1, not c(S).\n")
    program = policy.program_text.splitlines()
    assert "_fired(0,(S,X)) :- b(S,X); X > 1; not c(S)." in program
    assert "a(S,X) :- _fired(0,(S,X))." in program
    clause = policy.clauses[0]
    assert [c.kind for c in clause.conds] == ["pos", "cmp", "neg"]
    assert [type(c) for c in clause.conds] == [Pos, Cmp, Neg]
    assert clause.conds[0].node == ("f", "b", (("v", "S"), ("v", "X")))


def test_rules_out_of_force_get_their_window_as_a_condition():
    policy = load("% @rule t.a\n% @cite C\n% @text T.\n% @in_force 2011-06-01..2017-03-31\na(S) :- scenario(S).\n")
    assert policy.rules["t.a"].window == (20110601, 20170331)
    assert "_fired(0,(S,)) :- _in_force(S,20110601,20170331); scenario(S)." in policy.program_text.splitlines()


def test_the_policy_version_changes_with_its_content():
    a, b = load(HEAD + "a(1).\n"), load(HEAD + "a(2).\n")
    assert a.version != b.version
    assert a.version == load(HEAD + "a(1).\n").version


def test_a_loaded_policy_is_cached_between_runs_and_gives_the_same_results(tmp_path, monkeypatch):
    from conftest import FIXTURES, TOY_POLICY
    from wfikb import result as results
    from wfikb.engine import Engine
    from wfikb.scenario import load as load_scenario
    monkeypatch.delenv("WFIKB_NO_CACHE", raising=False)
    monkeypatch.setenv("WFIKB_CACHE_DIR", str(tmp_path))
    fresh = Policy.load([TOY_POLICY])
    assert len(list(tmp_path.glob("policy-*.data"))) == 1
    cached = Policy.load([TOY_POLICY])
    assert cached is not fresh and cached.version == fresh.version
    assert cached.to_plain() == fresh.to_plain()
    assert [(c.kind, c.node, c.variables, c.assigns) for c in cached.clauses[2].conds] == \
        [(c.kind, c.node, c.variables, c.assigns) for c in fresh.clauses[2].conds]
    sc = load_scenario(FIXTURES / "scenarios" / "toy-lone-parent.toml")
    assert results.result(Engine(cached).evaluate(sc)) == results.result(Engine(fresh).evaluate(sc))


def test_a_damaged_cache_entry_is_rebuilt(tmp_path, monkeypatch):
    from conftest import TOY_POLICY
    monkeypatch.delenv("WFIKB_NO_CACHE", raising=False)
    monkeypatch.setenv("WFIKB_CACHE_DIR", str(tmp_path))
    Policy.load([TOY_POLICY])
    [entry] = tmp_path.glob("policy-*.data")
    entry.write_bytes(b"damaged")
    assert Policy.load([TOY_POLICY]).rules


def test_a_file_name_with_a_control_character_is_shown_on_one_line(tmp_path):
    folder = tmp_path / "pol"
    folder.mkdir()
    (folder / "a\nb.lp").write_text("a(")
    with pytest.raises(PolicyError) as e:
        Policy.load([folder])
    assert len(str(e.value).splitlines()) == 1
    assert str(e.value).startswith("pol/a\\x0ab.lp:")


def test_a_citation_that_points_to_other_rules_cites_what_they_cite():
    policy = Policy.from_files([("a.lp", """
% @rule base.one
% @cite Act 2000 s.1; seed S1.1
% @text One.
one(S) :- scenario(S).
% @rule base.two
% @cite Regs 2001 reg 2
% @text Two.
two(S) :- scenario(S).
% @rule derived
% @cite as base.one, base.two; decision X1
% @text Both.
both(S) :- one(S), two(S).
% @rule unknown
% @cite as no.such.rule
% @text Kept as written.
kept(S) :- scenario(S).
""")])
    assert policy.rules["derived"].cite == "Act 2000 s.1; seed S1.1; Regs 2001 reg 2; decision X1"
    assert policy.rules["unknown"].cite == "as no.such.rule"
