"""The engine on a toy policy: outcomes and the explanations the solver recorded, asserted whole."""
import copy

from clingo import Function, Number

from conftest import FIXTURES
from wfikb import result as results
from wfikb.graph import unfold
from wfikb.model import OUTPUTS, Status, conclusion_name, parse_conclusion
from wfikb.scenario import from_dict, load

TOY = FIXTURES / "scenarios" / "toy-lone-parent.toml"


def toy(**claimant):
    base = {"id": "toy", "date": "2016-03-01",
            "claimant": {"benefit": "universal_credit", "lone_parent": True, "children": [{"born": "2014-01-10"}]},
            "ask": {"activities": ["wfi", "work_related_activity"]}}
    base["claimant"].update(claimant)
    return from_dict(base)


def test_a_conclusion_is_explained_down_to_the_scenario_facts(toy_engine):
    ev = toy_engine.evaluate(load(TOY))
    res = results.result(ev)
    assert res["regime"] == "work_focused_interview"
    assert res["activities"]["wfi"] == {
        "status": "mandatory", "sanction_risk": False,
        "because": ["toy.status.mandatory", "toy.require_wfi", "toy.young_child", "toy.param.age_limit.new"]}
    regime, wfi = res["conclusions"][:2]
    # the young child is explained in full under the regime, where it is met first ...
    young = {"id": "3", "atom": "young_child(1)", "kind": "derived", "rule": "toy.young_child",
             "citation": "Toy Act s.2; seed S9.9", "text": "Child 1 is aged 2, under the age limit of 3.",
             "because": [
                 {"id": "4", "atom": "child(1)", "text": "the claimant has child 1", "kind": "scenario",
                  "key": "claimant.children[1]", "because": []},
                 {"id": "5", "atom": "years_since(child(1),born,2)", "text": "child 1 is aged 2", "kind": "scenario",
                  "key": "claimant.children[1].born", "because": []},
                 # the parameter lookup is one leaf: the param/4 fact in force, its value and window
                 {"id": "6", "atom": "p(toy_age_limit,3)", "kind": "parameter", "rule": "toy.param.age_limit.new",
                  "citation": "Toy Act s.1 as amended",
                  "text": "The age limit is 3 (toy_age_limit is 3 on this date, in force from 2015-01-01)",
                  "because": []},
                 {"id": "7", "atom": "2 < 3", "text": "2 < 3 (A < L)", "kind": "comparison", "because": []}]}
    assert regime["because"][1] == young
    # ... and referred to by its id under the activity
    assert wfi == {
        "id": "8", "atom": "activity=wfi:mandatory", "text": "wfi is mandatory.", "kind": "derived",
        "rule": "toy.status.mandatory", "citation": "Toy status",
        "because": [
            {"id": "9", "atom": "asked(wfi)", "text": "the claimant is asked about wfi", "kind": "scenario",
             "key": "ask.activities", "because": []},
            {"id": "10", "atom": "can_require(wfi)", "kind": "derived", "rule": "toy.require_wfi",
             "citation": "Toy Act s.4", "text": "A lone parent with a young child can be required to attend a WFI.",
             "because": [
                 {"id": "11", "atom": "lone_parent", "text": "the claimant is a lone parent", "kind": "scenario",
                  "key": "claimant.lone_parent", "because": []},
                 {"ref": "3"},
                 {"id": "12", "atom": "not exempt", "text": "no evidence that the claimant is exempt", "kind": "not",
                  "because": []}]}]}


def test_the_model_answers_without_the_explainer(toy_engine):
    ev = toy_engine.evaluate(load(TOY))
    m = ev.model
    assert m.regime() == "work_focused_interview"
    assert m.query(Status) == [Status("wfi", "mandatory"), Status("work_related_activity", "voluntary")]
    assert m.status("wfi") == "mandatory" and m.status("work_programme") is None
    assert m.sanction_risk("wfi") is False
    prm = m.param(Function("toy_age_limit"))
    assert (prm.value, prm.start, prm.end, prm.clause.rule.id) == (Number(3), 20150101, 99991231,
                                                                   "toy.param.age_limit.new")
    assert ev._derivation is None            # nothing above built an explanation


def test_each_output_is_named_and_parsed_back_through_its_one_declaration():
    s = Number(0)
    for name, sym in [("regime=work_preparation", Function("regime", [s, Function("work_preparation")])),
                      ("activity=wfi:mandatory", Function("status", [s, Function("wfi"), Function("mandatory")])),
                      ("sanction_risk=wfi", Function("sanction_risk", [s, Function("wfi")])),
                      ("letter=let_6", Function("conclude", [s, Function("letter"), Function("let_6")])),
                      ("failure_consequence(wfi)=benefit_reduction",
                       Function("conclude", [s, Function("failure_consequence", [Function("wfi")]),
                                             Function("benefit_reduction")]))]:
        assert parse_conclusion(name, s) == sym
        assert conclusion_name(sym) == name
    assert [o.signature() for o in OUTPUTS] == [("regime", 2), ("status", 3), ("sanction_risk", 2), ("conclude", 3)]


def test_a_value_binding_is_no_condition_and_an_enum_value_reads_as_words(tmp_path):
    from wfikb.engine import Engine
    from wfikb.loader import Policy
    from conftest import TOY_POLICY
    (tmp_path / "named.lp").write_text(
        "% @rule toy.named\n% @cite Toy Act s.7\n% @text The claimant receives {B} and is asked about {A}.\n"
        "conclude(S, named, A) :- benefit(S, B), B = universal_credit, asked(S, A), A = wfi, wfi = wfi.\n")
    ev = Engine(Policy.load([TOY_POLICY, tmp_path])).evaluate(toy())
    [named] = [c for c in unfold(results.result(ev)["conclusions"]) if c["atom"] == "named=wfi"]
    assert named["text"] == "The claimant receives Universal Credit and is asked about wfi."
    assert [c["atom"] for c in named["because"]] == ["benefit(universal_credit)", "asked(wfi)"]


def test_dated_parameters_apply_as_in_force_on_the_scenario_date(toy_engine):
    old = toy(children=[{"born": "2010-06-01"}])
    old_date = from_dict({**old.raw, "date": "2014-03-01"})
    assert results.result(toy_engine.evaluate(old_date))["regime"] == "work_focused_interview"   # aged 3 < 5
    assert results.result(toy_engine.evaluate(from_dict({**old.raw, "date": "2015-03-01"})))["regime"] == "work_preparation"


def test_why_not_reports_the_exception_that_blocked_a_rule_with_its_own_explanation(toy_engine):
    ev = toy_engine.evaluate(toy(carers_allowance="receives"))
    d = ev.derivation
    w = d.why_not(Function("status", [d.s, Function("wfi"), Function("mandatory")]))
    assert not w.holds
    [attempt] = w.attempts
    assert attempt.clause.rule.id == "toy.status.mandatory"
    assert attempt.reason == "missing" and attempt.failed.atom == "can_require(wfi)"
    [deeper] = attempt.deeper
    [inner] = deeper.attempts
    assert inner.clause.rule.id == "toy.require_wfi"
    assert [h.atom for h in inner.held] == ["lone_parent", "young_child(1)"]
    assert inner.reason == "blocked"
    assert inner.failed.text == "an exception applies: the claimant is exempt"
    assert inner.failed.children[0].rule == "toy.exempt.carer"
    assert inner.failed.children[0].children[0].key == "claimant.carers_allowance"


def test_why_not_reports_a_rule_no_longer_in_force(toy_engine):
    ev = toy_engine.evaluate(toy())
    d = ev.derivation
    w = d.why_not(Function("can_require", [d.s, Function("work_related_activity")]))
    [attempt] = w.attempts
    assert attempt.reason == "not_in_force"
    assert "in force … to 2014-12-31" in attempt.failed.text


def test_why_not_reports_a_failed_comparison_with_the_values(toy_engine):
    ev = toy_engine.evaluate(toy(children=[{"born": "2010-01-01"}]))
    d = ev.derivation
    w = d.why_not(Function("young_child", [d.s, Number(1)]))
    [attempt] = w.attempts
    assert attempt.reason == "comparison"
    assert attempt.failed.atom == "6 < 3"


def test_a_batch_gives_each_scenario_the_result_it_gets_alone(toy_engine):
    scenarios = [toy(), toy(carers_allowance="receives"), toy(children=[{"born": "2001-01-01"}]),
                 toy(lone_parent=False)]
    alone = [results.result(toy_engine.evaluate(sc)) for sc in scenarios]
    batch = [results.result(ev) for ev in toy_engine.evaluate_batch(copy.deepcopy(scenarios))]
    assert batch == alone
    assert [r["activities"]["wfi"]["status"] for r in batch] == ["mandatory", "voluntary", "voluntary", "voluntary"]


def test_rules_no_longer_in_force_still_explain_past_dates(toy_engine):
    ev = toy_engine.evaluate(from_dict({**toy().raw, "date": "2014-06-01"}))
    res = results.result(ev)
    assert res["activities"]["work_related_activity"]["status"] == "mandatory"
    tree = next(c for c in res["conclusions"] if c["atom"] == "activity=work_related_activity:mandatory")
    old_rule = tree["because"][1]
    assert "id" in old_rule
    assert old_rule["rule"] == "toy.old_rule"
    assert old_rule["because"][0]["text"] == "the rule is in force on the scenario date (… to 2014-12-31)"


def test_an_overlay_switches_a_rule_off_by_id_and_adds_its_own(toy_engine):
    from wfikb.engine import Engine
    from wfikb.loader import Policy
    from conftest import TOY_POLICY
    overlay = Engine(Policy.load([TOY_POLICY, FIXTURES / "overlay"]))
    assert "toy.param.age_limit.new" in overlay.policy.disabled
    assert "toy.param.age_limit.new" not in overlay.policy.rules
    three = toy(children=[{"born": "2012-06-01"}])           # aged 3 on 2016-03-01
    assert results.result(toy_engine.evaluate(three))["regime"] == "work_preparation"
    res = results.result(overlay.evaluate(three))
    assert res["regime"] == "work_focused_interview"
    assert "overlay.toy.param.age_limit.4" in res["activities"]["wfi"]["because"]
    assert overlay.policy.version != toy_engine.policy.version


def test_disabling_an_unknown_rule_is_an_error(tmp_path):
    import pytest
    from wfikb.errors import PolicyError
    from wfikb.loader import Policy
    (tmp_path / "o.lp").write_text("% @disable no.such.rule\n")
    with pytest.raises(PolicyError, match="@disable no.such.rule: no rule with that id"):
        Policy.load([FIXTURES / "policy", tmp_path])


def test_a_why_not_answer_gives_each_node_once_with_ids(toy_engine):
    ev = toy_engine.evaluate(toy(carers_allowance="receives"))
    d = ev.derivation
    w = d.why_not(Function("status", [d.s, Function("wfi"), Function("mandatory")])).to_dict()
    [attempt] = w["candidates"]
    assert attempt["failed"]["id"] and attempt["failed"]["atom"] == "can_require(wfi)"
    [deeper] = attempt["why_not"]
    [inner] = deeper["candidates"]
    assert [h["atom"] for h in inner["held"]] == ["lone_parent", "young_child(1)"]
    young = inner["held"][1]
    assert [c["atom"] for c in young["because"]] == [
        "child(1)", "years_since(child(1),born,2)", "p(toy_age_limit,3)", "2 < 3"]
    blocked = inner["failed"]
    assert blocked["text"] == "an exception applies: the claimant is exempt"
    assert blocked["because"][0]["rule"] == "toy.exempt.carer"
    ids = [attempt["failed"]["id"], *(h["id"] for h in inner["held"]), blocked["id"], blocked["because"][0]["id"]]
    assert len(ids) == len(set(ids))


def test_markdown_numbers_a_shared_step_once_and_refers_back_to_it(toy_engine):
    from wfikb.render import Numbers, tree_markdown
    ev = toy_engine.evaluate(load(TOY))
    d, seen = ev.derivation, Numbers()
    lines = []
    for sym in results.conclusion_atoms(ev)[:2]:
        lines += tree_markdown(d.tree(sym), 0, seen)
    assert lines[2] == "  - [2] Child 1 is aged 2, under the age limit of 3. — *Toy Act s.2; seed S9.9* (`toy.young_child`)"
    assert "    - Child 1 is aged 2, under the age limit of 3. (see [2] above)" in lines
    assert sum("Toy Act s.1 as amended" in line for line in lines) == 1


def test_explain_json_of_every_conclusion_is_folded():
    from conftest import TOY_POLICY, wfikb
    from wfikb.graph import unfold
    run = wfikb("explain", TOY, "--format", "json", "--policy", TOY_POLICY)
    assert run.code == 0, run.err
    entries = run.json()
    assert [e["id"] for e in entries] == ["1", "8", "13"]
    assert entries[1]["because"][1]["because"][1] == {"ref": "3"}
    assert unfold(entries)[1]["because"][1]["because"][1]["atom"] == "young_child(1)"
