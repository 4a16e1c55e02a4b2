"""The vocabulary as Markdown (docs/vocabulary.md is this output, checked by a test)."""
from __future__ import annotations

from wfikb import vocabulary as voc

KIND = {"bool": "bool", "enum": "string", "enum_list": "array of strings", "int": "integer",
        "money": "number (pounds)", "hours": "number (hours)", "date": "date", "children": "array of tables",
        "id": "string", "str": "string"}


def _values(f: voc.Field) -> str:
    if f.value_meanings:
        return "; ".join(f"`{k}`: {v}" for k, v in f.value_meanings.items())
    if f.values:
        return ", ".join(f"`{v}`" for v in f.values)
    if f.minimum is not None:
        return f"{f.minimum:g} to {f.maximum:g}"
    return ""


def _table(title: str, fields, prefix: str = "") -> list[str]:
    out = [f"## {title}", "", "| key | type | required | values | meaning | facts |", "|---|---|---|---|---|---|"]
    for f in fields:
        if f.kind == "bool":
            facts = f"`{prefix}{f.pred}(S{', C' if prefix else ''})`"
        elif f.kind in ("enum", "enum_list", "int", "money", "hours"):
            facts = f"`{f.pred}(S, V)`"
        elif f.kind == "date":
            facts = "date quantities (see below)"
        else:
            facts = ""
        out.append(f"| `{f.key}` | {KIND[f.kind]} | {'yes' if f.required else ''} | {_values(f)} | "
                   f"{f.meaning} | {facts} |")
    return out + [""]


def markdown() -> str:
    lines = ["# Scenario vocabulary", "",
             "Generated from `wfikb/vocabulary.py` by `wfikb vocabulary`; do not edit by hand.",
             "Keys beyond contract 1.1 are marked in their meaning. Absent keys mean \"no\" / \"none\".", ""]
    lines += _table("Top level", voc.TOP)
    lines += _table("[claimant]", voc.CLAIMANT)
    lines += _table("Each of [claimant].children", voc.CHILD, prefix="child_")
    lines += _table("[ask]", voc.ASK)
    lines += ["## [expect]", "",
              "`regime`, `[expect.activities]` (activity -> status), `[expect.sanction_risk]` (activity -> bool),",
              "and the extensions `conclusions` / `not_conclusions`: lists of conclusion names that must / must not hold.", "",
              "## Date quantities", "",
              "Every date key becomes, relative to the scenario date: `date_of(S, Who, Key, YYYYMMDD)`,",
              "`days_since(S, Who, Key, N)`, `weekday(S, Who, Key, W)` and, when not in the future,",
              "`years_since(S, Who, Key, Y)` and `months_since(S, Who, Key, M, R)`. `Who` is `claimant` or `child(C)`.",
              "Money reaches the rules in pence, hours in hundredths of an hour.", ""]
    return "\n".join(lines)
