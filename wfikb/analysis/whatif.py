"""What-if: the smallest change of circumstances that makes a target conclusion hold.

The space around the scenario (its benefit, its date, the default keys of its benefit plus the keys it
states, minus `keep`) becomes a choice: one value per dimension (`_pick(D, I)`), the policy grounded
once over every choice, the target required (a constraint added through the backend, the target a
clingo symbol, never text), and clingo's optimisation minimises first the number of keys changed, then
the distance in bands (|I - J| on ordered dimensions, 1 otherwise). Keys outside the dimensions keep the
scenario's own facts. The changed scenario is then evaluated by the normal engine, so the answer carries
the engine's own outcome and explanation.
"""
from __future__ import annotations

import clingo
from clingo import Function, Number

from wfikb import facts, vocabulary as voc
from wfikb.analysis.space import DEFAULT_KEYS, GENERIC_KEYS, Space, _value_facts
from wfikb.engine import Engine
from wfikb.model import parse_conclusion
from wfikb.scenario import Scenario, from_dict

VARIABLE_KINDS = ("bool", "enum", "money", "hours", "int", "date", "children")


def _original(space: Space, sc: Scenario, di: int) -> int:
    """The index of the scenario's own value in dimension di."""
    d = space.dims[di]
    on = sc.date
    if d.slot:
        if len(sc.children) < d.slot:
            return 0
        child = sc.children[d.slot - 1]
        days = (on - child["born"]).days
        foster = bool(child.get("foster"))
        best = 0
        for i, v in enumerate(d.values):
            if v.lo is not None and v.lo <= days and bool(v.children[0].get("foster")) == foster:
                best = i
        return best
    f = voc.fields("claimant")[d.key]
    value = sc.claimant.get(d.key)
    if f.kind == "bool":
        return 1 if value else 0
    if f.kind == "enum":
        return next((i for i, v in enumerate(d.values) if v.claimant.get(d.key) == value), 0)
    if value is None:
        return 0
    x = (on - value).days if f.kind == "date" else value
    best = 0
    for i, v in enumerate(d.values):
        if v.lo is not None and v.lo <= x:
            best = i
    return best


def whatif(engine_or_policy, scenario: Scenario, target: str, keep=()) -> dict:
    """target: a conclusion name as `wfikb explain --why` takes it; keep: claimant keys not to change
    ("children" for the children). Returns {"result": "found" | "already" | "impossible", "target", "changes": {key: {"from", "to"}},
    "scenario": dict (contract section 1), "outcome": {"regime", "activities"}, "reason"}."""
    engine = engine_or_policy if isinstance(engine_or_policy, Engine) else Engine(engine_or_policy)
    policy = engine.policy
    benefit = scenario.claimant["benefit"]
    keys = list(DEFAULT_KEYS.get(benefit, GENERIC_KEYS))
    for k in scenario.claimant:
        if k not in keys and voc.fields("claimant")[k].kind in VARIABLE_KINDS and k != "benefit":
            keys.append(k)
    if scenario.children and "children" not in keys:
        keys.append("children")
    keep = set(keep)
    keys = [k for k in keys if k not in keep]
    space = Space.build([policy], on=scenario.date, where={"benefit": benefit}, keys=tuple(keys),
                        max_children=max(2, len(scenario.children)))
    s0 = Number(0)
    goal = parse_conclusion(target, s0)
    if engine.evaluate(scenario).model.holds(goal):
        return {"result": "already", "target": target, "changes": {}, "reason": "the target already holds"}
    varied = {d.key if not d.slot else "children" for d in space.dims}
    fixed = _fixed_facts(scenario, varied)
    orig = [_original(space, scenario, i) for i in range(len(space.dims))]

    ctl = clingo.Control(["--opt-mode=opt"], logger=lambda *_: None)
    ctl.add("base", [], policy.plain_program_text)
    preds = set()
    rows = []
    for di, d in enumerate(space.dims):
        rows.append(Function("_dimv", [Number(di)]))
        rows.append(Function("_orig", [Number(di), Number(orig[di])]))
        if d.ordered or d.slot:
            rows.append(Function("_ordered", [Number(di)]))
        for vi, v in enumerate(d.values):
            rows.append(Function("_val", [Number(di), Number(vi)]))
            for sym in _value_facts(v, scenario.date, scenario.date, d.slot):
                rows.append(Function("_sv_" + sym.name, [Number(di), Number(vi)] + sym.arguments[1:]))
                preds.add((sym.name, len(sym.arguments)))
    text = ["1 { _pick(D, I) : _val(D, I) } 1 :- _dimv(D).",
            "_moved(D) :- _pick(D, I), _orig(D, J), I != J.",
            "#minimize { 1@2, D : _moved(D) }.",
            "#minimize { |I - J|@1, D : _pick(D, I), _orig(D, J), _ordered(D) ; 1@1, D : _moved(D), not _ordered(D) }.",
            "#show _pick/2."]
    for name, n in sorted(preds):
        xs = "".join(f", X{i}" for i in range(1, n))
        text.append(f"{name}(0{xs}) :- _pick(D, I), _sv_{name}(D, I{xs}).")
    ctl.add("base", [], "\n".join(text) + "\n")
    with ctl.backend() as b:
        for sym in rows + fixed:
            b.add_rule([b.add_atom(sym)])
        b.add_rule([], [-b.add_atom(goal)])         # the target must hold
    ctl.ground([("base", [])])
    best: list = []
    res = ctl.solve(on_model=lambda m: best.__setitem__(slice(None), m.symbols(shown=True)))
    if not res.satisfiable:
        return {"result": "impossible", "target": target, "changes": {},
                "reason": f"no combination of {', '.join(sorted(varied))} (in the bands the policy distinguishes), "
                          f"with {', '.join(sorted(set(scenario.claimant) - varied) or ['nothing else'])} as stated"
                          f"{' and ' + ', '.join(sorted(keep)) + ' kept' if keep else ''}, makes {target} hold"}
    picks = {a.arguments[0].number: a.arguments[1].number for a in best}
    changed = _changed_scenario(scenario, space, {di: i for di, i in picks.items() if i != orig[di]})
    ev = engine.evaluate(from_dict(changed))
    changes = {}
    for di, d in enumerate(space.dims):
        if picks[di] != orig[di]:
            changes[d.key] = {"from": d.values[orig[di]].label, "to": d.values[picks[di]].label}
    outcome = {"regime": ev.model.regime(),
               "activities": {a: ev.model.status(a) for a in ev.scenario.activities if ev.model.status(a)}}
    return {"result": "found", "target": target, "holds": ev.model.holds(parse_conclusion(target, Number(0))),
            "changes": changes, "scenario": changed, "outcome": outcome, "evaluation": ev}


def _fixed_facts(sc: Scenario, varied: set) -> list:
    out = []
    for sym in facts.scenario_facts(0, sc):
        if sym.name in ("child",) or sym.name.startswith("child_"):
            if "children" in varied:
                continue
        elif sym.name in ("date_of", "days_since", "weekday", "years_since", "months_since"):
            who, key = sym.arguments[1], sym.arguments[2]
            if who.name == "child" and "children" in varied:
                continue
            if who.name == "claimant" and key.name in varied:
                continue
        elif sym.name in varied:
            continue
        out.append(sym)
    return out


def _changed_scenario(sc: Scenario, space: Space, picks: dict) -> dict:
    claimant = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in sc.claimant.items()}
    for k, f in voc.fields("claimant").items():
        if f.kind in ("money", "hours") and k in claimant:
            claimant[k] = claimant[k] / 100
    children = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in c.items()} for c in sc.children]
    slots: dict[int, dict] = {i + 1: c for i, c in enumerate(children)}
    for di, d in enumerate(space.dims):
        if di not in picks:         # the scenario's own value, as stated
            continue
        v = d.values[picks[di]]
        if d.slot:
            if v.children:
                slots[d.slot] = dict(v.children[0])
            else:
                slots.pop(d.slot, None)
            continue
        claimant.pop(d.key, None)
        claimant.update(v.claimant)
    kids = [slots[k] for k in sorted(slots)]
    claimant.pop("children", None)
    if kids:
        claimant["children"] = kids
    out = {"id": f"{sc.id}-whatif", "date": sc.date.isoformat(), "claimant": claimant}
    if sc.ask:
        out["ask"] = dict(sc.ask)
    return out
