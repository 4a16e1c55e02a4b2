"""Scenario files (contract section 1): read TOML or JSON, validate against the vocabulary.

A `Scenario` is plain data: values already checked and converted (dates as `datetime.date`,
money in pence, hours in centihours). Every problem raises `InputError` naming file and key.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wfikb import vocabulary as voc
from clingo import Number

from wfikb.errors import InputError, QueryError
from wfikb.model import parse_conclusion

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
TOP_KEYS = ("id", "title", "date", "claimant", "ask", "expect", "generated")
# `[generated]` (wfikb generate, docs/trainers.md): what a teaching file teaches; not read by any rule.
GENERATED_KEYS = ("pair", "differs_in", "rule", "condition", "partner", "name", "narrative", "also")
SCALE = {"money": 100, "hours": 100}
# Input bounds (docs/scenarios.md, "Limits"): far above any real claim, low enough that a scenario
# is read, grounded and explained in well under a second.
MAX_FILE_BYTES = 1_000_000
MAX_CHILDREN = 20
MAX_DEPTH = 8            # tables and arrays within each other; a scenario needs 4
MAX_DIGITS = 20          # digits of a JSON integer


@dataclass
class Scenario:
    id: str
    date: dt.date
    claimant: dict[str, Any]
    children: list[dict[str, Any]]
    ask: dict[str, Any]
    expect: dict[str, Any]
    title: str = ""
    source: str = "<memory>"
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def activities(self) -> list[str]:
        return list(self.ask.get("activities", []))


def load(path: str | Path) -> Scenario:
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".toml", ".json"):
        raise InputError(path, None, "expected a .toml or .json scenario file")
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, None, "is a directory, expected a .toml or .json scenario file") from None
    except OSError as e:
        raise InputError(path, None, f"cannot read the file ({e.__class__.__name__})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(path, None, f"expected a scenario file of at most {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")   # a byte-order mark, as some editors write, is not content
    except UnicodeDecodeError as e:
        raise InputError(path, None, f"expected UTF-8 text (byte {e.start + 1} is not)") from None
    return from_dict(parse(text, kind, path), source=str(path))


def parse(text: str, kind: str, path: str | Path = "<memory>") -> Any:
    """TOML or JSON text as plain data; anything the parsers accept but a scenario never holds
    (duplicate JSON keys, NaN, overlong numbers, deep nesting) is refused here, naming the file."""
    try:
        if kind == ".json":
            data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant,
                              parse_int=_short_int)
        else:
            data = tomllib.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(path, None, f"not valid JSON (line {e.lineno}: {e.msg})") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(path, None, f"not valid TOML ({e})") from None
    except _Refused as e:
        raise InputError(path, e.key, e.args[0]) from None
    except RecursionError:
        raise InputError(path, None, f"expected tables and arrays nested at most {MAX_DEPTH} deep") from None
    except ValueError as e:   # e.g. an integer longer than Python converts
        raise InputError(path, None, f"not a valid {kind[1:].upper()} scenario ({str(e).split(':')[0]})") from None
    if _depth(data) > MAX_DEPTH:
        raise InputError(path, None, f"expected tables and arrays nested at most {MAX_DEPTH} deep")
    return data


class _Refused(ValueError):
    def __init__(self, expected: str, key: str | None = None):
        super().__init__(expected)
        self.key = key


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise _Refused("expected each key once in its object (TOML refuses duplicates too)", k)
        out[k] = v
    return out


def _no_constant(name):
    raise _Refused(f"expected a number, got {name}")


def _short_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"expected numbers of at most {MAX_DIGITS} digits")
    return int(digits)


def _depth(data) -> int:
    """How deeply tables and arrays nest, counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, d = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, d)
            if d <= MAX_DEPTH:
                stack.extend((v, d + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def from_dict(data: Any, source: str = "<memory>") -> Scenario:
    v = _Validator(source)
    if not isinstance(data, dict):
        raise InputError(source, None, "expected a table (object) at the top level")
    v.no_unknown(data, TOP_KEYS, "")
    sid = v.require(data, "id", "")
    if not isinstance(sid, str) or not ID_RE.fullmatch(sid):
        v.fail("id", "expected lowercase letters, digits and '-' (e.g. \"wrag-appellant\")", sid)
    title = data.get("title", "")
    if not isinstance(title, str):
        v.fail("title", "expected a string", title)
    date = v.date(v.require(data, "date", ""), "date")
    claimant_raw = v.table(v.require(data, "claimant", ""), "claimant")
    claimant, children = v.claimant(claimant_raw, date)
    ask = v.ask(v.table(data.get("ask", {}), "ask"))
    expect = v.expect(v.table(data.get("expect", {}), "expect"))
    if "generated" in data:
        v.generated(v.table(data["generated"], "generated"))
    return Scenario(sid, date, claimant, children, ask, expect, title, source, data)


class _Validator:
    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, expected: str, got: Any = ...):
        if got is not ...:
            expected = f"{expected}; got {_show(got)}"
        raise InputError(self.source, key, expected)

    def generated(self, data: dict) -> None:
        self.no_unknown(data, GENERATED_KEYS, "generated.")
        roles = data.get("also", [])
        if not isinstance(roles, list):
            self.fail("generated.also", "expected an array of tables", roles)
        for i, role in enumerate([data] + roles):
            where = "generated." if i == 0 else f"generated.also[{i - 1}]."
            if i:
                self.table(role, where[:-1])
                self.no_unknown(role, GENERATED_KEYS[:5], where)
            for k, x in role.items():
                if k != "also" and not isinstance(x, str):
                    self.fail(where + k, "expected a string", x)

    def require(self, data: dict, key: str, prefix: str):
        if key not in data:
            self.fail(prefix + key, "required key is missing")
        return data[key]

    def table(self, value, key):
        if not isinstance(value, dict):
            self.fail(key, "expected a table", value)
        return value

    def no_unknown(self, data: dict, allowed, prefix: str):
        for k in data:
            if k not in allowed:
                self.fail(prefix + k, f"unknown key; expected one of: {', '.join(allowed)}")

    def date(self, value, key) -> dt.date:
        if isinstance(value, dt.datetime) or isinstance(value, dt.time):
            self.fail(key, "expected a date (YYYY-MM-DD) without a time", value)
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _bad()
            except ValueError:
                pass
        self.fail(key, "expected a date YYYY-MM-DD", value)

    def value(self, f: voc.Field, value, key: str, today: dt.date | None = None):
        kind = f.kind
        if kind == "bool":
            if not isinstance(value, bool):
                self.fail(key, "expected true or false", value)
            return value
        if kind == "enum":
            if not isinstance(value, str) or value not in f.values:
                self.fail(key, f"expected one of {', '.join(f.values)}", value)
            return value
        if kind == "enum_list":
            if not isinstance(value, list):
                self.fail(key, f"expected a list of: {', '.join(f.values)}", value)
            for i, item in enumerate(value):
                if not isinstance(item, str) or item not in f.values:
                    self.fail(f"{key}[{i + 1}]", f"expected one of {', '.join(f.values)}", item)
                if item in value[:i]:
                    self.fail(f"{key}[{i + 1}]", "expected each value once", item)
            return list(value)
        if kind in ("int", "money", "hours"):
            ok = isinstance(value, int) if kind == "int" else isinstance(value, (int, float))
            if isinstance(value, bool) or not ok or value != value:
                self.fail(key, "expected a whole number" if kind == "int" else "expected a number", value)
            if (f.minimum is not None and value < f.minimum) or (f.maximum is not None and value > f.maximum):
                self.fail(key, f"expected a number from {f.minimum:g} to {f.maximum:g}", value)
            return round(value * SCALE.get(kind, 1))
        if kind == "date":
            d = self.date(value, key)
            if today is not None and d > today and not f.future_ok:
                self.fail(key, f"expected a date on or before the scenario date {today}", d.isoformat())
            return d
        raise AssertionError(kind)

    def claimant(self, raw: dict, today: dt.date):
        decl = voc.fields("claimant")
        self.no_unknown(raw, tuple(decl), "claimant.")
        self.require(raw, "benefit", "claimant.")
        out, children = {}, []
        for k, value in raw.items():
            f = decl[k]
            if f.kind == "children":
                children = self.children(value, today)
            else:
                out[k] = self.value(f, value, f"claimant.{k}", today)
        if "partner_benefit" in out and out["partner_benefit"] != out["benefit"]:
            self.fail("claimant.partner_benefit",
                      f"expected the same value as claimant.benefit ({out['benefit']}): the award the partner is included in",
                      out["partner_benefit"])
        return out, children

    def children(self, value, today):
        if not isinstance(value, list):
            self.fail("claimant.children", "expected an array of tables, each { born = DATE }", value)
        if len(value) > MAX_CHILDREN:
            self.fail("claimant.children", f"expected at most {MAX_CHILDREN} children; got {len(value)}")
        decl = voc.fields("child")
        out = []
        for i, child in enumerate(value, 1):
            key = f"claimant.children[{i}]"
            self.table(child, key)
            self.no_unknown(child, tuple(decl), key + ".")
            self.require(child, "born", key + ".")
            c = {k: self.value(decl[k], v, f"{key}.{k}", today) for k, v in child.items()}
            if "kinship_since" in c and not c.get("kinship"):
                self.fail(f"{key}.kinship_since", "expected only with kinship = true")
            out.append(c)
        return out

    def ask(self, raw: dict):
        decl = voc.fields("ask")
        self.no_unknown(raw, tuple(decl), "ask.")
        return {k: self.value(decl[k], v, f"ask.{k}") for k, v in raw.items()}

    def expect(self, raw: dict):
        self.no_unknown(raw, voc.EXPECT_KEYS, "expect.")
        out: dict[str, Any] = {}
        if "regime" in raw:
            if raw["regime"] not in voc.REGIMES:
                self.fail("expect.regime", f"expected one of {', '.join(voc.REGIMES)}", raw["regime"])
            out["regime"] = raw["regime"]
        for key, kinds in (("activities", voc.STATUSES), ("sanction_risk", (True, False))):
            if key in raw:
                table = self.table(raw[key], f"expect.{key}")
                for act, val in table.items():
                    if act not in voc.ACTIVITIES:
                        self.fail(f"expect.{key}.{act}", f"expected an activity: {', '.join(voc.ACTIVITIES)}")
                    if val not in kinds or (key == "sanction_risk") != isinstance(val, bool):
                        want = ", ".join(voc.STATUSES) if key == "activities" else "true or false"
                        self.fail(f"expect.{key}.{act}", f"expected {want}", val)
                out[key] = dict(table)
        for key in ("conclusions", "not_conclusions"):
            if key in raw:
                vals = raw[key]
                if not isinstance(vals, list) or not all(isinstance(x, str) for x in vals):
                    self.fail(f"expect.{key}", "expected a list of conclusion names such as \"regime=work_preparation\"", vals)
                for i, name in enumerate(vals, 1):
                    try:
                        parse_conclusion(name, Number(0))
                    except QueryError as e:
                        self.fail(f"expect.{key}[{i}]", e.expected)
                out[key] = list(vals)
        return out


def _bad():
    raise ValueError


def _show(value) -> str:
    """A short, one-line picture of a value (whatever the Python API was handed)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 60:
        return "a number of more than 60 digits"
    if _depth(value) > MAX_DEPTH:
        return f"a {type(value).__name__} nested more than {MAX_DEPTH} deep"
    try:
        text = json.dumps(value, default=str) if not isinstance(value, str) else json.dumps(value)
    except ValueError:   # e.g. an integer inside a list, too long to convert
        text = f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."
