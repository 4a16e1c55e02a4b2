"""policy/ means the same under plain clingo as under wfikb.

Plain clingo reads policy/**/*.lp as written (annotations are only comments, nothing is rewritten)
with every corpus scenario's facts, all in one control (each fact carries its scenario's number);
wfikb evaluates the same batch. Both must derive exactly the same output atoms (regime, status,
sanction_risk, conclude) for every scenario. A rule whose window lived in a comment (the former
`@in_force`) would fire out of its time under plain clingo and break this.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import clingo

from wfikb.engine import Engine
from wfikb.facts import scenario_facts
from wfikb.policy_loader import Policy
from wfikb.scenario import load
from wfikb.testing import scenario_files
from wfikb.texts import OUTPUTS

ROOT = Path(__file__).resolve().parent.parent


def corpus():
    return [load(p) for p in scenario_files([str(ROOT / "scenarios")])]


def plain_outputs(policy_dir: Path, scenarios) -> dict[int, set[str]]:
    """Output atoms per scenario number, from plain clingo over the .lp files as written."""
    ctl = clingo.Control(["--models=1", "--warn=none"])
    for path in sorted(Path(policy_dir).rglob("*.lp")):
        ctl.load(str(path))
    ctl.add("base", [], "".join(f"#show {name}/{arity}." for name, arity in sorted(OUTPUTS)))
    with ctl.backend() as backend:
        for i, sc in enumerate(scenarios):
            for sym in scenario_facts(i, sc):
                backend.add_rule([backend.add_atom(sym)])
    ctl.ground([("base", [])])
    out: dict[int, set[str]] = defaultdict(set)
    models = []
    ctl.solve(on_model=lambda m: models.append(m.symbols(shown=True)))
    assert len(models) == 1
    for sym in models[0]:
        out[sym.arguments[0].number].add(str(sym))
    return out


def wfikb_outputs(policy_dir: Path, scenarios) -> dict[int, set[str]]:
    engine = Engine(Policy.load([policy_dir]))
    out: dict[int, set[str]] = defaultdict(set)
    for i, ev in enumerate(engine.evaluate_batch(scenarios)):
        for sym in ev.derivation.atoms:
            if (sym.name, len(sym.arguments)) in OUTPUTS:
                out[i].add(str(sym))
    return out


def differences(policy_dir: Path, scenarios) -> list[str]:
    plain, ours = plain_outputs(policy_dir, scenarios), wfikb_outputs(policy_dir, scenarios)
    found = []
    for i, sc in enumerate(scenarios):
        for atom in sorted(plain[i] - ours[i]):
            found.append(f"{sc.id}: plain clingo derives {atom}, wfikb does not")
        for atom in sorted(ours[i] - plain[i]):
            found.append(f"{sc.id}: wfikb derives {atom}, plain clingo does not")
    return found


def test_plain_clingo_derives_what_wfikb_derives_for_the_whole_corpus():
    scenarios = corpus()
    assert len(scenarios) > 300
    problems = differences(ROOT / "policy", scenarios)
    assert not problems, f"{len(problems)} differences, first: " + "; ".join(problems[:10])


def test_the_comparison_sees_a_rule_out_of_its_window(tmp_path):
    """A window written as a comment (not a body literal) is caught: the check can fail."""
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "toy.lp").write_text(
        "% @rule toy.before_2000\n% @cite test\n% @text A rule of the last century.\n% @in_force ..1999-12-31\n"
        "conclude(S, toy, old_rule) :- scenario(S).\n")
    scenarios = corpus()[:3]
    problems = differences(policy, scenarios)
    assert problems and all("plain clingo derives conclude" in p and "toy,old_rule" in p for p in problems)
