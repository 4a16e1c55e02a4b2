"""The directional gate over a corpus: does a change add (or remove) any requirement?

A requirement is added when an asked activity becomes mandatory (it was voluntary, not permitted or
not decided), or when a Universal Credit regime moves up the ladder no_work_related_requirements ->
work_focused_interview -> work_preparation -> all_work_related_requirements. It is lost in the
opposite direction. A result no law may give (a Universal Credit claimant left with no regime) fails
both gates: the change is broken whatever its direction. A FAIL names each witness scenario with
what moved and both short reasons; JSON adds both folded explanations (from `diff.compare`).
"""
from __future__ import annotations

import json

from wfikb.vocabulary import REGIMES

LADDER = {r: i for i, r in enumerate(REGIMES)}
NEW, LOST = "no-new-requirements", "no-lost-requirements"


def moves(entry: dict, direction: str) -> list[dict]:
    """The differences of one diff entry that break the gate `direction`."""
    up = direction == NEW
    out = []
    for d in entry["differences"]:
        if d["what"] == "regime" and d["before"] in LADDER and d["after"] in LADDER:
            rise = LADDER[d["after"]] > LADDER[d["before"]]
            if rise == up:
                out.append(d)
        elif d["what"] == "status" and (d["after"] == "mandatory" if up else d["before"] == "mandatory"):
            out.append(d)
    return out


def check(report: dict, direction: str) -> dict:
    """PASS or FAIL over a corpus diff report (`diff.by_change`), with the witnesses."""
    witnesses = []
    for e in report["scenarios"]:
        found = moves(e, direction)
        if found or "problem_after" in e:
            w = {"scenario": e["scenario"], "source": e["source"], "moves": found,
                 "before": e["before"], "after": e["after"]}
            if "problem_after" in e:
                w["problem_after"] = e["problem_after"]
            if "explanation" in e:
                w["explanation"] = e["explanation"]
            if "edits" in e:
                w["edits"] = e["edits"]
            witnesses.append(w)
    return {"check": direction, "result": "FAIL" if witnesses else "PASS",
            "policy_before": report.get("policy_before"), "policy_after": report.get("policy_after"),
            "scenarios": report["summary"]["scenarios"], "witnesses": witnesses}


def text(result: dict) -> str:
    if result.get("profiles") is not None:
        sp = result["space"]
        out = [f"{result['result']}: --{result['check']} over {result['profiles']:,} profiles "
               f"({', '.join(f'{k}={v}' for k, v in sp['where'].items())}; {' .. '.join(sp['dates'])}): "
               f"{result['changed']:,} change, {result['violations']:,} break the check"]
    else:
        out = [f"{result['result']}: --{result['check']} over {result['scenarios']} scenarios"]
    for w in result["witnesses"]:
        if "cell" in w:
            out += ["", f"witness {w['scenario']}, one of {w['cell']['count']:,} profiles: {w['cell']['text']}",
                    f"  scenario: {json.dumps(w['scenario_file']['claimant'])} on {w['scenario_file']['date']}"]
        else:
            out += ["", f"witness {w['scenario']} ({w['source']})"]
        if "edits" in w:
            out.append(f"  edits: {', '.join(w['edits']['edits'])}")
        if "problem_after" in w:
            out.append(f"  PROBLEM after the change: {w['problem_after']}")
        for d in w["moves"]:
            label = "regime" if d["what"] == "regime" else d["activity"]
            out.append(f"  {label}: {d['before'] or 'none'} -> {d['after'] or 'none'}")
            for side in ("before", "after"):
                r = d.get(f"because_{side}")
                if r:
                    out.append(f"    {side}: {r['text']} [{r['rule']}: {(r['citation'] or '').split(';')[0].strip()}]")
    return "\n".join(out) + "\n"


def _may_move(cell: dict, direction: str) -> bool:
    """Whether a cell's lost/gained outputs can break the gate (a regime moved, or mandatory gained/lost)."""
    side = cell["after"] if direction == NEW else cell["before"]
    return any(o.startswith("regime(") for o in cell["before"] + cell["after"]) or \
        any(o.startswith("status(") and o.endswith(",mandatory)") for o in side)


def check_space(result: dict, base, changed, direction: str) -> dict:
    """The gate over the whole space: each cell of an exhaustive diff (`exhaustive.diff`) that may break
    it has its example evaluated under both policies (`diff.by_change`, with both explanations); a
    witness is such an example, with its cell (count, conditions). `violations` counts the profiles of
    the failing cells."""
    from wfikb.analysis.diff import by_change
    from wfikb.scenario import from_dict
    cells = [c for c in result["cells"] if _may_move(c, direction)]
    report, _ = by_change(base, changed, [from_dict(c["example"]) for c in cells]) if cells else (
        {"scenarios": [], "summary": {"scenarios": 0}, "policy_before": base.version, "policy_after": changed.version}, [])
    out = check(report, direction)
    by_id = {c["example"]["id"]: c for c in cells}
    for w in out["witnesses"]:
        c = by_id[w["scenario"]]
        w["cell"] = {"count": c["count"], "conditions": c["conditions"], "text": c["text"], "edits": c["edits"]}
        w["scenario_file"] = c["example"]
    out.update({"scenarios": None, "profiles": result["profiles"], "changed": result["changed"],
                "violations": sum(w["cell"]["count"] for w in out["witnesses"]), "space": result["space"]})
    return out
