"""What the service says about itself, read off the declarations: the scenario's JSON Schema (from
`wfikb.vocabulary`, so the OpenAPI document cannot drift from what `wfikb.scenario` accepts), the
vocabulary as JSON, and the policy's rules and parameters as `wfikb rules --format json` lists them."""
from __future__ import annotations

from wfikb import dates, vocabulary as voc
from wfikb.loader import Policy

DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

# The contract's own example (section 1), as JSON.
EXAMPLE = {
    "id": "wrag-appellant-new-joiners",
    "title": "WRAG claimant appealing to join the support group is invited to a New Joiners WFI",
    "date": "2013-09-02",
    "claimant": {"born": "1979-05-14", "benefit": "esa_income_related", "esa_group": "wrag",
                 "appeal": "support_group"},
    "ask": {"activities": ["new_joiners_wfi", "work_programme", "group_information_session"]},
}
UC_EXAMPLE = {
    "id": "uc-lone-parent-child-aged-2",
    "date": "2024-06-03",
    "claimant": {"born": "1990-02-01", "benefit": "universal_credit", "lone_parent": True,
                 "responsible_carer": True, "children": [{"born": "2022-03-10"}]},
    "ask": {"activities": ["wfi", "work_search"]},
}
EXAMPLES = {"wrag-appellant": {"summary": "the contract's example: an ESA claimant in the WRAG", "value": EXAMPLE},
            "uc-lone-parent": {"summary": "a UC lone parent of a child aged 2", "value": UC_EXAMPLE}}


def field_schema(f: voc.Field) -> dict:
    if f.kind == "bool":
        s = {"type": "boolean"}
    elif f.kind == "enum":
        s = {"type": "string", "enum": list(f.values)}
    elif f.kind == "enum_list":
        s = {"type": "array", "items": {"type": "string", "enum": list(f.values)}, "uniqueItems": True}
    elif f.kind in ("int", "money", "hours"):
        s = {"type": "integer" if f.kind == "int" else "number"}
        if f.minimum is not None:
            s.update(minimum=f.minimum, maximum=f.maximum)
    elif f.kind == "date":
        s = dict(DATE)
    elif f.kind == "children":
        s = {"type": "array", "items": _object(voc.CHILD), "maxItems": 20}
    else:
        s = {"type": "string"}
    s["description"] = f.meaning
    return s


def _object(decl) -> dict:
    return {"type": "object", "additionalProperties": False,
            "properties": {f.key: field_schema(f) for f in decl},
            "required": [f.key for f in decl if f.required]}


def scenario_schema() -> dict:
    """Contract section 1 as JSON Schema (`[expect]` is accepted as in a scenario file, and ignored)."""
    top = {f.key: field_schema(f) for f in voc.TOP}
    top["id"] = {"type": "string", "pattern": "^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", "description": "scenario id"}
    top["claimant"] = _object(voc.CLAIMANT)
    top["ask"] = _object(voc.ASK)
    top["expect"] = {"type": "object", "description": "checked by `wfikb test`; ignored by the service"}
    return {"type": "object", "additionalProperties": False, "properties": top,
            "required": ["id", "date", "claimant"], "examples": [EXAMPLE]}


def batch_schema() -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["scenarios"],
            "properties": {"scenarios": {"type": "array", "items": {"$ref": "#/components/schemas/Scenario"}}}}


def vocabulary() -> dict:
    """Every key a scenario can state, by section: kind, values with their meaning, bounds, meaning."""
    def row(f: voc.Field) -> dict:
        d = {"key": f.key, "kind": f.kind, "required": f.required, "meaning": f.meaning}
        if f.values:
            d["values"] = {v: f.value_meanings.get(v, "") for v in f.values}
        if f.minimum is not None:
            d.update(minimum=f.minimum, maximum=f.maximum)
        if f.default:
            d["default"] = f.default
        if f.kind == "date":
            d["future_ok"] = f.future_ok
        return d
    return {"top": [row(f) for f in voc.TOP], "claimant": [row(f) for f in voc.CLAIMANT],
            "child": [row(f) for f in voc.CHILD], "ask": [row(f) for f in voc.ASK],
            "expect": list(voc.EXPECT_KEYS), "regimes": list(voc.REGIMES), "statuses": list(voc.STATUSES)}


def rule_row(r) -> dict:
    """As `wfikb rules --format json` lists a rule."""
    return {"id": r.id, "file": r.file, "line": r.line, "in_force": r.window_text, "citation": r.cite, "text": r.text}


def _day(n: int) -> str | None:
    if n >= 99991231:
        return None         # no end date
    try:
        return dates.from_int(n).isoformat()
    except ValueError:
        return str(n)


def parameters(policy: Policy) -> list[dict]:
    """Each dated `param/4` value of the policy (overlays applied): name, value, window, the rule stating it."""
    rows = []
    for sym, clause in policy.fact_index.items():
        if sym.name != "param" or len(sym.arguments) != 4:
            continue
        name, value, start, end = sym.arguments
        r = clause.rule if clause is not None else None
        rows.append({"name": str(name), "value": value.number if value.type.name == "Number" else str(value),
                     "from": _day(start.number), "to": _day(end.number),
                     "rule": r.id if r else None, "citation": r.cite if r else None})
    return sorted(rows, key=lambda x: (x["name"], x["from"] or ""))
