"""Bad input: one line naming file, key and what was expected; exit status 2; no traceback."""
import json
from pathlib import Path

import pytest

from conftest import EXAMPLE, wfikb
from wfikb import scenario
from wfikb.errors import InputError

GOOD = """id = "x-1"
date = 2020-01-01
[claimant]
benefit = "universal_credit"
"""


def one_line_error(run, *needles):
    assert run.code == 2, run.err
    assert run.out == ""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert "Traceback" not in run.err
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("body, key, expected", [
    (GOOD.replace('"universal_credit"', '"universal"'), "claimant.benefit", "expected one of universal_credit"),
    (GOOD + "couple = 1\n", "claimant.couple", "expected true or false"),
    (GOOD + "shoe_size = 9\n", "claimant.shoe_size", "unknown key"),
    (GOOD.replace("date = 2020-01-01\n", ""), "date", "required key is missing"),
    (GOOD.replace('id = "x-1"', 'id = "Not An Id"'), "id", "lowercase letters, digits and '-'"),
    (GOOD + "caring_hours = -3\n", "claimant.caring_hours", "expected a number from 0 to 168"),
    (GOOD + "children = [{ born = 2021-01-01 }]\n", "claimant.children[1].born", "on or before the scenario date"),
    (GOOD + 'partner_benefit = "income_support"\n', "claimant.partner_benefit", "same value as claimant.benefit"),
    (GOOD + '[ask]\nactivities = ["wfi", "lunch"]\n', "ask.activities[2]", "expected one of wfi"),
    (GOOD + '[expect]\nregime = "some"\n', "expect.regime", "expected one of no_work_related_requirements"),
])
def test_bad_scenario_values_give_one_line_naming_file_key_and_expectation(write, body, key, expected):
    path = write("bad.toml", body)
    one_line_error(wfikb("evaluate", path), str(path), key, expected)


def test_unreadable_toml_is_named_with_the_file(write):
    path = write("broken.toml", 'id = "x"\ndate = \n')
    one_line_error(wfikb("evaluate", path), str(path), "not valid TOML")


def test_a_missing_file_is_a_one_line_error():
    one_line_error(wfikb("evaluate", "no/such/file.toml"), "no/such/file.toml", "no such file")


def test_json_scenarios_read_the_same_keys_as_toml(tmp_path):
    import tomllib
    data = tomllib.loads(EXAMPLE.read_text())
    data["date"] = data["date"].isoformat()
    data["claimant"]["born"] = data["claimant"]["born"].isoformat()
    path = tmp_path / "example.json"
    path.write_text(json.dumps(data))
    from_json, from_toml = wfikb("evaluate", path, "--format", "json"), wfikb("evaluate", EXAMPLE, "--format", "json")
    assert from_json.code == 0, from_json.err
    assert from_json.out == from_toml.out


def test_json_dates_must_be_iso_strings(write):
    path = write("bad.json", json.dumps({"id": "a", "date": "02/09/2013", "claimant": {"benefit": "jsa"}}))
    one_line_error(wfikb("evaluate", path), "date", "expected a date YYYY-MM-DD")


def test_scenario_values_are_validated_before_any_fact_is_made():
    with pytest.raises(InputError) as e:
        scenario.from_dict({"id": "a", "date": "2020-01-01",
                            "claimant": {"benefit": "jsa).\nevil(1"}}, source="inline")
    assert "claimant.benefit" in str(e.value)


def test_money_and_hours_reach_the_rules_as_integers():
    sc = scenario.from_dict({"id": "a", "date": "2020-01-01",
                             "claimant": {"benefit": "universal_credit", "earnings_monthly": 793.17,
                                          "expected_hours": 16.5}})
    assert sc.claimant["earnings_monthly"] == 79317
    assert sc.claimant["expected_hours"] == 1650


# ---------------------------------------------------------------- hostile and unusual files (issue 13)
@pytest.mark.parametrize("name, body, needles", [
    ("deep.json", '{"a":' * 50_000 + "1" + "}" * 50_000, ["nested at most 8 deep"]),
    ("deep.toml", "a = " + "[" * 50_000 + "]" * 50_000, ["nested at most 8 deep"]),
    ("nine.toml", GOOD + "x = " + "[" * 9 + "]" * 9, ["nested at most 8 deep"]),
    ("long.json", '{"id": "a", "date": "2020-01-01", "claimant": {"benefit": "jobseekers_allowance", '
                  '"caring_hours": ' + "9" * 5000 + "}}", ["at most 20 digits"]),
    ("long.toml", GOOD + "caring_hours = " + "9" * 5000 + "\n", ["not a valid TOML scenario"]),
    ("nan.json", '{"id": "a", "date": "2020-01-01", "claimant": {"caring_hours": NaN}}', ["expected a number, got NaN"]),
    ("dup.json", '{"id": "a", "date": "2020-01-01", "claimant": {"benefit": "jobseekers_allowance", '
                 '"couple": true, "couple": false}}', ["couple: expected each key once"]),
    ("newline-id.json", json.dumps({"id": "a\n", "date": "2020-01-01", "claimant": {"benefit": "jobseekers_allowance"}}),
     ["id: expected lowercase letters", '"a\\n"']),
    ("newline-id.toml", GOOD.replace('"x-1"', '"x-1\\n"'), ["id: expected lowercase letters"]),
    ("children.toml", GOOD + "children = [" + ", ".join(["{ born = 2015-01-01 }"] * 21) + "]\n",
     ["claimant.children: expected at most 20 children; got 21"]),
    ("big.toml", GOOD + "#" * 1_000_000 + "\n", ["at most 1,000,000 bytes"]),
    ("latin1.toml", GOOD.replace("x-1", "x-\xe9"), ["expected UTF-8 text (byte 9 is not)"]),
    ("ask.toml", GOOD + '[expect]\nconclusions = ["regime=\u00e9"]\n', ["expect.conclusions[1]", "printable ASCII"]),
    ("ask2.toml", GOOD + '[expect]\nnot_conclusions = ["regime=x", "benefit(1)"]\n',
     ["expect.not_conclusions[2]", "benefit/1 is a scenario fact"]),
])
def test_hostile_files_give_one_line_naming_the_file(tmp_path, name, body, needles):
    path = tmp_path / name
    path.write_bytes(body.encode("latin-1" if name.startswith("latin1") else "utf-8"))
    one_line_error(wfikb("evaluate", path), str(path), *needles)


def test_a_byte_order_mark_and_upper_case_suffixes_are_accepted(tmp_path):
    want = wfikb("evaluate", EXAMPLE, "--format", "json")
    toml = tmp_path / "case.TOML"
    toml.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    import tomllib
    data = tomllib.loads(EXAMPLE.read_text())
    data["date"] = data["date"].isoformat()
    data["claimant"]["born"] = data["claimant"]["born"].isoformat()
    js = tmp_path / "case.Json"
    js.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    for path in (toml, js):
        run = wfikb("evaluate", path, "--format", "json")
        assert run.code == 0, run.err
        assert run.out == want.out


def test_unknown_key_names_are_shown_escaped_on_one_line(write):
    path = write("evil.toml", GOOD + '"x\\nRegime: work_preparation\\u001b[2K" = 1\n')
    line = one_line_error(wfikb("evaluate", path), str(path))
    assert "claimant.x\\nRegime: work_preparation\\x1b[2K: unknown key" in line
    assert "\x1b" not in line


def test_the_documented_limits_are_the_enforced_ones():
    text = (Path(__file__).resolve().parent.parent / "docs" / "scenarios.md").read_text()
    assert f"{scenario.MAX_FILE_BYTES:,} bytes" in text
    assert f"{scenario.MAX_CHILDREN} children" in text
    assert f"{scenario.MAX_DEPTH} deep" in text
    assert f"{scenario.MAX_DIGITS} digits" in text


def test_the_python_api_refuses_hostile_values_in_one_line():
    deep: list = []
    for _ in range(3000):
        deep = [deep]
    base = {"id": "a", "date": "2020-01-01", "claimant": {"benefit": "universal_credit"}}
    for title, shown in ((deep, "a list nested more than 8 deep"), (10 ** 5000, "a number of more than 60 digits"),
                         ([10 ** 5000], "a list")):
        with pytest.raises(InputError) as e:
            scenario.from_dict({**base, "title": title}, source="api")
        assert str(e.value) == f"api: title: expected a string; got {shown}"
    with pytest.raises(InputError) as e:
        scenario.from_dict({**base, "claimant": {"benefit": "universal_credit",
                                                 "children": [{"born": "2019-01-01"}] * 10 ** 6}}, source="api")
    assert str(e.value) == "api: claimant.children: expected at most 20 children; got 1000000"
