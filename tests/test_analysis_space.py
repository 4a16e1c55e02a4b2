"""The banded space, the exhaustive diff in one clingo program, and properties over the space.

The exhaustive diff is checked against the normal engine on every profile of a sub-space (UC on
5 April 2027, single claimants: responsible carer, capability, one child slot = 230 profiles; 10^4 would
take about a minute here, see docs/analysts.md), with the shipped example overlay."""
import datetime as dt
from pathlib import Path

import pytest

from wfikb.errors import InvariantError
from clingo import Function, ast
from clingo.ast import ASTType

from wfikb.analysis import exhaustive, properties
from wfikb.analysis.space import Space, thresholds
from wfikb.engine import Engine
from wfikb.loader import Policy, default_policy_dir
from wfikb.loader.rewrite import PrefixPredicates
from wfikb.scenario import from_dict

ROOT = Path(__file__).resolve().parent.parent
OVERLAY = ROOT / "docs" / "examples" / "overlay-work-preparation-at-3.lp"
PROPERTIES = ROOT / "docs" / "examples" / "properties.lp"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rewrite"
ON = dt.date(2027, 4, 5)
KEYS = ("responsible_carer", "capability", "children")


@pytest.fixture(scope="module")
def policies():
    return Policy.load([default_policy_dir()]), Policy.load([default_policy_dir(), OVERLAY])


@pytest.fixture(scope="module")
def result(policies):
    return exhaustive.diff(*policies, on=ON, keys=KEYS, max_children=1)


def _outputs(ev) -> set[str]:
    return {str(Function(a.name, a.arguments[1:])) for a in ev.model.outputs()}


def _rules(name):
    out = []
    ast.parse_string((FIXTURES / name).read_text(), out.append)
    return [st for st in out if st.ast_type == ASTType.Rule]


def test_prefix_predicates_renames_every_predicate_but_the_inputs():
    keep = {"today", "benefit", "couple", "child", "scenario", "years_since"}
    got = [str(PrefixPredicates("_v2_", keep)(r)) for r in _rules("prefix_predicates.in.lp")]
    assert got == [str(r) for r in _rules("prefix_predicates.out.lp")]


def test_bands_are_read_off_the_policy_and_the_overlay(policies):
    base, changed = policies
    # On 5 April 2027 the base policy compares a child's age with 1 (s.19), 2 (s.21 work preparation)...
    assert {1, 2} <= thresholds(base, days=[ON])[("years", "child", "born")]
    # ... and the overlay's own parameter (3 from 1 April 2027) replaces 2 on that date.
    assert 3 in thresholds(changed, days=[ON])[("years", "child", "born")]
    space = Space.build([base, changed], on=ON, keys=KEYS, max_children=1)
    labels = [v.label for v in space.dims[-1].values]
    assert any(lab.startswith("aged 2 ") for lab in labels) and any(lab.startswith("aged 3 ") for lab in labels)
    assert space.size == 2 * 5 * len(labels)


def test_exhaustive_diff_agrees_with_the_engine_on_every_profile(policies, result):
    base, changed = policies
    space = Space.build([base, changed], on=ON, keys=KEYS, max_children=1)
    assert result["profiles"] == space.size == 230
    scenarios = [space.scenario(s) for s in range(space.size)]
    before = Engine(base).evaluate_batch(scenarios)
    after = Engine(changed).evaluate_batch(scenarios)
    expected = {}
    for s, (b, a) in enumerate(zip(before, after)):
        ob, oa = _outputs(b), _outputs(a)
        if ob != oa:
            expected[s] = (sorted(ob - oa), sorted(oa - ob))
    assert result["changed"] == len(expected) > 0
    seen: dict[int, dict] = {}
    for cell in result["cells"]:
        members = space.members(cell["box"])
        assert cell["count"] == len(members)
        for s in members:
            assert s not in seen, "a profile in two cells"
            seen[s] = cell
    assert set(seen) == set(expected)            # every changed profile in a cell, no unchanged one
    for s, (lost, gained) in expected.items():
        assert (seen[s]["before"], seen[s]["after"]) == (lost, gained)
    assert sum(c["count"] for c in result["cells"]) == result["changed"]


def test_each_cell_example_gives_the_cells_after_under_the_changed_policy(policies, result):
    _, changed = policies
    engine = Engine(changed)
    for cell in result["cells"]:
        example = cell["example"]
        ev = engine.evaluate(from_dict(example))
        assert ev.model.regime() == example["expect"]["regime"]
        assert set(cell["after"]) <= _outputs(ev)
        assert not set(cell["before"]) & _outputs(ev)
    # merged: the overlay moves carers of a child aged 2 and 3 in both directions, lone or nominated
    assert len(result["cells"]) <= 8
    assert any("aged 3" in c["text"] and "regime(work_preparation)" in c["after"] for c in result["cells"])


def test_a_broken_overlay_is_caught_by_the_properties_with_a_witness(policies, tmp_path):
    base, _ = policies
    ok = properties.check(base, PROPERTIES, on=ON, keys=KEYS, max_children=1)
    assert ok["result"] == "PASS" and ok["profiles"] == 230
    overlay = tmp_path / "broken.lp"
    overlay.write_text("% @disable uc.s22.not_within_s19_to_s21\n")
    broken = Policy.load([default_policy_dir(), overlay])
    r = properties.check(broken, PROPERTIES, on=ON, keys=KEYS, max_children=1)
    assert r["result"] == "FAIL"
    prop = next(p for p in r["properties"] if p["name"] == "uc_exactly_one_group")
    assert prop["result"] == "FAIL" and prop["violations"] > 0
    # the witness really has no group under the broken policy, and has one under the shipped policy
    witness = from_dict(prop["witness"])
    assert Engine(broken, refuse_broken=False).evaluate(witness).model.regime() is None
    with pytest.raises(InvariantError, match="invariant.uc_has_regime"):   # and the engine refuses it
        Engine(broken).evaluate(witness)
    assert Engine(base).evaluate(witness).model.regime() == "all_work_related_requirements"
    assert all(p["result"] == "PASS" for p in r["properties"] if p["name"] != "uc_exactly_one_group")


def test_whatif_finds_the_smallest_change_and_says_when_none_exists(policies):
    from wfikb.analysis.whatif import whatif
    from wfikb.scenario import load
    base, _ = policies
    sc = load(ROOT / "docs" / "examples" / "uc-child-aged-3-2027.toml")     # lone parent, child aged 3
    r = whatif(base, sc, "regime=work_preparation", keep=("capability",))
    assert r["result"] == "found" and list(r["changes"]) == ["child1"]
    assert r["changes"]["child1"]["to"].startswith("aged 2 ")
    ev = Engine(base).evaluate(from_dict(r["scenario"]))
    assert ev.model.regime() == "work_preparation" and r["holds"]
    assert r["scenario"]["claimant"]["born"] == "1992-08-08"      # unchanged keys keep their stated value
    none = whatif(base, sc, "regime=work_preparation",
                  keep=("capability", "children", "couple", "responsible_carer"))
    assert none["result"] == "impossible" and "children" in none["reason"]


def test_whatif_command(tmp_path):
    from conftest import wfikb
    run = wfikb("whatif", ROOT / "docs" / "examples" / "uc-child-aged-3-2027.toml", "--target",
                "regime=work_preparation", "--keep", "capability")
    assert run.code == 0, run.err
    assert "child1: aged 3" in run.out and "uc.s21_1_aa.child_aged_2" in run.out


def test_between_two_dates_the_date_is_a_dimension_and_agrees_with_the_engine(policies):
    base, changed = policies
    kw = dict(between=(dt.date(2027, 3, 25), dt.date(2027, 4, 10)), keys=("children",), max_children=1,
              where={"capability": "fit_for_work"})
    r = exhaustive.diff(base, changed, **kw)
    space = Space.build([base, changed], **kw)
    # 25 March, 31 March (a parameter ends), 1 April (the overlay's value starts), 2 April
    assert r["space"]["dates"] == ["2027-03-25", "2027-03-31", "2027-04-01", "2027-04-02"]
    scenarios = [space.scenario(s) for s in range(space.size)]
    before, after = Engine(base).evaluate_batch(scenarios), Engine(changed).evaluate_batch(scenarios)
    expected = {s for s, (b, a) in enumerate(zip(before, after)) if _outputs(b) != _outputs(a)}
    assert {s for c in r["cells"] for s in space.members(c["box"])} == expected and len(expected) == 4
    assert all(c["conditions"]["date"] == ["2027-04-01", "2027-04-02"] for c in r["cells"])


def test_a_varied_key_with_a_default_gives_each_profile_its_own_value(policies):
    # nation has a default (england): the facts every profile shares once stated it, so a
    # Scotland profile was grounded as England. Each profile must carry exactly its own nation.
    import clingo
    space = Space.build([policies[0]], on=ON, keys=("nation",), max_children=0)
    text, rows = space.program()
    ctl = clingo.Control(["--warn=none"])
    ctl.add("base", [], text)
    with ctl.backend() as b:
        for r in rows:
            b.add_rule([b.add_atom(r)])
    ctl.ground([("base", [])])
    got = {(a.symbol.arguments[0].number, str(a.symbol.arguments[1])) for a in ctl.symbolic_atoms.by_signature("nation", 2)}
    want = {(s, space.scenario_dict(s)["claimant"].get("nation", "england")) for s in range(space.size)}
    assert len({n for _, n in want}) > 1 and got == want
