"""The decision service (docs/service.md), run in-process with FastAPI's test client: every endpoint, the
replay round trip, bad requests answered with the CLI's one-line messages, `needed` against re-solving."""
import copy
import json
import subprocess
import sys
import warnings

import pytest

pytest.importorskip("fastapi")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")         # starlette's notice about its httpx client
    from fastapi.testclient import TestClient

from wfikb import render, result as results, vocabulary as voc                     # noqa: E402
from wfikb.analysis.diff import outcome                                             # noqa: E402
from wfikb.analysis.needed import candidates, needed                                # noqa: E402
from wfikb.scenario import from_dict, load                                          # noqa: E402
from wfikb.service.app import Config, create_app                                    # noqa: E402
from wfikb.service.schema import EXAMPLE, UC_EXAMPLE                                # noqa: E402

from conftest import EXAMPLE as EXAMPLE_FILE, ROOT                                 # noqa: E402

LONE_PARENT = ROOT / "scenarios" / "examples" / "timeline-uc-lone-parent-child-turns-1-2-3.toml"


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    return tmp_path_factory.mktemp("service") / "decisions.jsonl"


@pytest.fixture(scope="module")
def client(log_path):
    return TestClient(create_app(Config(decision_log=str(log_path))))


def error_of(r, status):
    assert r.status_code == status, r.text
    body = r.json()
    assert list(body) == ["error"] and "\n" not in body["error"]
    return body["error"]


# ------------------------------------------------------------------ decisions
def test_evaluate_returns_the_cli_result_plus_the_decision_fields_in_the_body(client, engine):
    r = client.post("/evaluate?needed=false", json=EXAMPLE)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    ev = engine.evaluate(from_dict(EXAMPLE))
    expected = json.loads(render.to_json(results.result(ev)))   # what `wfikb evaluate --format json` prints
    extra = {k: body.pop(k) for k in ("law_date", "decision_id", "evaluated_at")}
    assert body == expected
    assert body["policy"] == engine.policy.version and body["activities"]["new_joiners_wfi"]["status"] == "mandatory"
    assert extra["law_date"] == "2013-09-02" and len(extra["decision_id"]) == 32
    assert extra["evaluated_at"].endswith("Z")
    assert "needed" not in body


def test_evaluate_explain_levels_match_batch(client, engine):
    from wfikb import batch
    ev = engine.evaluate(from_dict(UC_EXAMPLE))
    for level in ("none", "outcome"):
        body = client.post(f"/evaluate?explain={level}&needed=false", json=UC_EXAMPLE).json()
        for k in ("law_date", "decision_id", "evaluated_at"):
            body.pop(k)
        assert body == json.loads(render.to_json(batch.outcome(ev, level)))
        assert ("because" in body["activities"]["wfi"]) == (level == "outcome")


def test_evaluate_lists_needed_by_default(client):
    body = client.post("/evaluate?explain=none", json=UC_EXAMPLE).json()
    keys = {n["key"] for n in body["needed"]}
    # a UC lone parent of a child aged 2: pregnancy, a birth, carer's allowance would each lift requirements
    assert {"claimant.pregnant_due", "claimant.gave_birth", "claimant.carers_allowance"} <= keys
    assert "claimant.lone_parent" not in keys           # stated: never "needed"


def test_explain_answers_why_and_why_not_with_unique_node_ids(client):
    body = client.post("/explain?why=regime=work_preparation&needed=false", json=UC_EXAMPLE).json()
    assert body["conclusions"] and body["answer"]["holds"] is True
    assert body["answer"]["tree"]["rule"]
    ids = []

    def walk(x):
        if isinstance(x, dict):
            if "id" in x:
                ids.append(x["id"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(body["conclusions"])
    walk(body["answer"])
    assert len(ids) == len(set(ids))
    body = client.post("/explain?why_not=activity=work_search:mandatory&needed=false", json=UC_EXAMPLE).json()
    assert body["answer"]["holds"] is False and body["answer"]["candidates"]
    msg = error_of(client.post("/explain?why=activity=wfi", json=UC_EXAMPLE), 422)
    assert msg.startswith("conclusion 'activity=wfi': expected activity=ACTIVITY:STATUS")


def test_batch_answers_each_scenario_in_order_and_bad_ones_as_error_lines(client, engine):
    bad = {"id": "no-claimant", "date": "2020-01-01"}
    contradictory = {"id": "both", "date": "2024-06-03",
                     "claimant": {"benefit": "universal_credit", "couple": True, "lone_parent": True}}
    r = client.post("/batch", json={"scenarios": [EXAMPLE, bad, UC_EXAMPLE, contradictory]})
    assert r.status_code == 200
    body = r.json()
    assert body["policy"] == engine.policy.version and body["decision_id"]
    res = body["results"]
    assert [x["index"] for x in res] == [1, 2, 3, 4]
    assert res[0]["result"]["activities"]["new_joiners_wfi"]["status"] == "mandatory"
    assert res[0]["result"]["law_date"] == "2013-09-02" and "conclusions" not in res[0]["result"]
    assert res[1]["error"] == "request body: scenarios[2]: claimant: required key is missing"
    assert res[2]["result"]["regime"] == "work_preparation"
    assert "contradictory circumstances" in res[3]["error"]
    full = client.post("/batch?explain=full&needed=true", json={"scenarios": [UC_EXAMPLE]}).json()
    assert full["results"][0]["result"]["conclusions"] and full["results"][0]["result"]["needed"]


def test_diff_between_two_dates_names_what_changed(client):
    sc = copy.deepcopy(UC_EXAMPLE)
    r = client.post("/diff", json={"scenarios": [sc], "from_date": "2023-06-01", "to_date": "2025-06-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "dates" and body["summary"]["changed"] == 1
    diffs = body["scenarios"][0]["differences"]
    # the child is 1 on the first date and 3 on the second: from the WFI group to all work-related requirements
    assert {"what": "regime", "before": "work_focused_interview", "after": "all_work_related_requirements"} \
        == {k: diffs[0][k] for k in ("what", "before", "after")}
    msg = error_of(client.post("/diff", json={"scenarios": [sc]}), 422)
    assert msg.startswith("request body: from_date: required (with to_date) unless the server runs an overlay")


# ------------------------------------------------------------------ the policy and the service
def test_rules_parameters_vocabulary_health(client, engine):
    rules = client.get("/rules").json()
    assert len(rules) == len(engine.policy.rules)
    one = client.get(f"/rules/{rules[5]['id']}").json()
    assert one == rules[5] and set(one) == {"id", "file", "line", "in_force", "citation", "text"}
    assert error_of(client.get("/rules/no.such.rule"), 404).startswith("rule no.such.rule: no such rule in policy")
    params = client.get("/parameters").json()
    assert params and all(p["rule"] and p["citation"] for p in params)
    assert any(p["name"] == "esa_ns_caring_hours_min" and p["value"] == 35 for p in params)
    vocab = client.get("/vocabulary").json()
    assert [f["key"] for f in vocab["claimant"]] == [f.key for f in voc.CLAIMANT]
    assert client.get("/health").json() == {"status": "ok", "policy": engine.policy.version,
                                            "rules": len(engine.policy.rules), "decision_log": True}


def test_openapi_has_the_scenario_schema_from_the_vocabulary_and_examples(client):
    doc = client.get("/openapi.json").json()
    assert {"/evaluate", "/explain", "/report", "/batch", "/diff", "/replay", "/rules", "/rules/{rule_id}", "/parameters",
            "/vocabulary", "/health"} <= set(doc["paths"])
    scenario = doc["components"]["schemas"]["Scenario"]
    assert set(scenario["properties"]["claimant"]["properties"]) == set(voc.fields("claimant"))
    assert scenario["properties"]["claimant"]["properties"]["esa_group"]["enum"] == list(voc.fields("claimant")["esa_group"].values)
    body = doc["paths"]["/evaluate"]["post"]["requestBody"]["content"]["application/json"]
    assert body["examples"]["wrag-appellant"]["value"] == EXAMPLE
    from_dict(body["examples"]["uc-lone-parent"]["value"])      # the examples are valid scenarios


# ------------------------------------------------------------------ replay and the decision log
def test_decision_log_and_replay_round_trip_byte_identical(client, log_path):
    r = client.post("/evaluate?explain=outcome", json=UC_EXAMPLE)
    decision = r.json()
    lines = [json.loads(x) for x in log_path.read_text().splitlines()]
    entry = next(x for x in lines if x["decision_id"] == decision["decision_id"])
    assert entry["policy"] == decision["policy"] and entry["endpoint"] == "evaluate"
    assert entry["query"] == {"explain": "outcome", "needed": True} and entry["request"] == UC_EXAMPLE
    assert render.to_json(entry["decision"]) == r.text            # the log holds the body as sent
    again = client.post("/replay", content=json.dumps(entry))
    assert again.status_code == 200, again.text
    out = again.json()
    assert out["identical"] is True and out["decision_id"] == decision["decision_id"]
    assert render.to_json(out["decision"]) == r.text
    # a batch decision replays too
    b = client.post("/batch", json={"scenarios": [EXAMPLE]})
    entry = next(json.loads(x) for x in log_path.read_text().splitlines() if b.json()["decision_id"] in x)
    assert client.post("/replay", json=entry).json()["identical"] is True


def test_report_is_the_cli_report_in_the_body_and_replays_byte_identical(client, engine, log_path):
    from wfikb.reports.make import reports
    from wfikb.reports.render import render as render_report
    r = client.post("/report?format=md", json=EXAMPLE)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["report"] == render_report(reports(engine, [from_dict(EXAMPLE)]), "md")   # what `wfikb report` prints
    assert body["format"] == "md" and body["policy"] == engine.policy.version and body["law_date"] == "2013-09-02"
    assert "reg 54" in body["report"] and "New Joiners" in body["report"]
    html = client.post("/report", json=EXAMPLE).json()
    assert html["format"] == "html" and html["report"].lstrip().lower().startswith("<!doctype html>")
    entry = next(json.loads(x) for x in log_path.read_text().splitlines() if body["decision_id"] in x)
    assert entry["endpoint"] == "report" and entry["query"] == {"format": "md"}
    assert client.post("/replay", json=entry).json()["identical"] is True
    assert error_of(client.post("/report?format=pdf", json=EXAMPLE), 422) == \
        "query: format: expected one of md, html, dot; got 'pdf'"


def test_replay_notices_a_decision_that_differs(client, log_path):
    r = client.post("/evaluate?explain=none&needed=false", json=EXAMPLE)
    entry = next(json.loads(x) for x in log_path.read_text().splitlines() if r.json()["decision_id"] in x)
    entry["decision"]["activities"]["new_joiners_wfi"]["status"] = "voluntary"
    out = client.post("/replay", json=entry).json()
    assert out["identical"] is False and out["differs_in"] == ["activities"]
    assert out["decision"]["activities"]["new_joiners_wfi"]["status"] == "mandatory"


def test_replay_under_another_policy_hash_is_refused_naming_it(client, log_path, engine):
    r = client.post("/evaluate?explain=none&needed=false", json=EXAMPLE)
    entry = next(json.loads(x) for x in log_path.read_text().splitlines() if r.json()["decision_id"] in x)
    entry["decision"]["policy"] = "wfikb-0.0.9+0123456789ab"
    msg = error_of(client.post("/replay", json=entry), 409)
    assert "policy wfikb-0.0.9+0123456789ab, which this server no longer has" in msg
    assert engine.policy.version in msg
    assert error_of(client.post("/replay", json={"request": EXAMPLE}), 422) == \
        "request body: endpoint: required key is missing (send a line of the decision log as it is)"


# ------------------------------------------------------------------ bad requests
def cli_message(tmp_path, text: str) -> str:
    """The message `wfikb evaluate FILE` gives for the same body (its file name replaced)."""
    path = tmp_path / "case.json"
    path.write_text(text)
    try:
        load(path)
    except Exception as e:      # InputError: the CLI prints "wfikb: error: " + this
        return str(e).replace(str(path), "request body")
    raise AssertionError("the CLI accepted it")


@pytest.mark.parametrize("text, status", [
    ('{"id": "a", "date": "2020-01-01", ', 400),                                              # malformed JSON
    ('{"id": "a", "date": "2020-01-01", "claimant": {"benefit": "jsa", "colour": "red"}}', 422),  # unknown field
    ('{"id": "a", "date": "2020-01-01", "claimant": {"benefit": "jsa", "couple": "yes"}}', 422),  # wrong type
    ('{"id": "a", "date": "2020-01-01", "claimant": {"benefit": "jsa", "caring_hours": 1e400}}', 422),
    ('{"id": "a", "id": "b", "date": "2020-01-01", "claimant": {"benefit": "jsa"}}', 400),     # duplicate key
    ('[1, 2]', 422),
])
def test_bad_requests_get_the_cli_one_line_message(client, tmp_path, text, status):
    msg = error_of(client.post("/evaluate", content=text.encode(), headers={"content-type": "application/json"}),
                   status)
    assert msg == cli_message(tmp_path, text)


def test_oversize_empty_and_non_utf8_bodies_and_bad_options(client):
    big = b'{"id": "a", "title": "' + b"x" * 1_000_000 + b'"}'
    assert error_of(client.post("/evaluate", content=big), 413) == \
        f"request body: expected at most 1,000,000 bytes; got {len(big):,}"
    assert error_of(client.post("/evaluate", content=b""), 400).startswith("request body: empty")
    assert error_of(client.post("/evaluate", content=b'{"id": "\xff"}'), 400) == \
        "request body: expected UTF-8 text (byte 9 is not)"
    assert error_of(client.post("/evaluate?explain=all", json=EXAMPLE), 422) == \
        "query: explain: expected one of none, outcome, full; got 'all'"
    assert error_of(client.post("/evaluate?needed=maybe", json=EXAMPLE), 422) == \
        "query: needed: expected true or false; got 'maybe'"
    assert error_of(client.post("/batch", json={"scenarios": [EXAMPLE] * 1001}), 413).startswith(
        "request body: scenarios: expected at most 1000 scenarios")
    assert error_of(client.get("/evaluate"), 405) == "GET /evaluate: Method Not Allowed"
    assert client.get("/health").status_code == 200           # the server goes on


def test_past_the_time_limit_is_503():
    slow = TestClient(create_app(Config(timeout=1e-9)))
    msg = error_of(slow.post("/evaluate?needed=false", json=EXAMPLE), 503)
    assert "ran past the time limit" in msg
    assert slow.get("/health").status_code == 200


def test_serve_without_the_extra_is_one_line_and_exit_2():
    code = ("import sys; sys.modules['fastapi'] = None; sys.argv = ['wfikb', 'serve']; "
            "from wfikb.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "wfikb: error: the serve extra is not installed: pip install 'wfikb[serve]' (FastAPI and uvicorn)\n"


# ------------------------------------------------------------------ needed, against re-solving
def _outcomes(engine, dicts) -> list:
    """Each scenario's outcome through the engine as `wfikb batch` runs it (None: invalid or refused)."""
    from wfikb.errors import InputError, RefusedError
    scs, where = [], []
    for i, d in enumerate(dicts):
        try:
            scs.append(from_dict(d))
            where.append(i)
        except InputError:
            pass
    out = [None] * len(dicts)
    for i, ev in zip(where, engine.evaluate_each(scs)):
        out[i] = None if isinstance(ev, RefusedError) else outcome(ev)
    return out


def _stated(raw, key, value):
    out = copy.deepcopy(raw)
    section, k = key.split(".", 1)
    out.setdefault(section, {})[k] = value
    return out


@pytest.mark.parametrize("path", [EXAMPLE_FILE, LONE_PARENT], ids=["esa-wrag", "uc-lone-parent"])
def test_needed_each_entry_changes_the_outcome_and_unlisted_keys_do_not(engine, path):
    sc = load(path)
    raw = json.loads(json.dumps(sc.raw, default=str))
    raw.pop("expect", None)
    before = outcome(engine.evaluate(sc))
    found = needed(engine, sc)
    assert found, "every example has something unstated that matters"
    listed = {}
    for entry in found:
        for case in entry["cases"]:
            assert case["changes"]
            for value in case["values"]:
                listed.setdefault(entry["key"], []).append(value)
    # supplied, each listed value changes the outcome
    pairs = [(k, v) for k, vs in listed.items() for v in vs]
    for (key, value), after in zip(pairs, _outcomes(engine, [_stated(raw, k, v) for k, v in pairs])):
        assert after is not None and after != before, (key, value)
    # every candidate not listed (a sample), and every value of each bool or enum key left out and not
    # listed, leaves the outcome as it is (or is no valid scenario)
    unlisted = [(c.key, c.value) for c in candidates(engine, sc) if c.value not in listed.get(c.key, [])]
    assert unlisted
    sample = unlisted[::3]
    for f in voc.CLAIMANT:
        key = f"claimant.{f.key}"
        if f.key in sc.claimant or key in listed or f.kind not in ("bool", "enum"):
            continue
        sample += [(key, value) for value in ([True] if f.kind == "bool" else f.values)]
    for (key, value), after in zip(sample, _outcomes(engine, [_stated(raw, k, v) for k, v in sample])):
        assert after is None or after == before, (key, value)


def test_a_server_with_an_overlay_serves_it_and_diffs_against_the_policy_without_it(engine):
    from wfikb.loader import default_policy_dir
    overlay = ROOT / "docs" / "examples" / "overlay-work-preparation-at-3.lp"
    base = str(default_policy_dir())
    app = create_app(Config(roots=[base, str(overlay)], overlays=True, base_roots=[base]))
    c = TestClient(app)
    served = c.get("/health").json()["policy"]
    assert served != engine.policy.version
    sc = json.loads(json.dumps(load(ROOT / "docs" / "examples" / "uc-child-aged-3-2027.toml").raw, default=str))
    assert c.post("/evaluate?explain=none&needed=false", json=sc).json()["policy"] == served
    r = c.post("/diff", json={"scenarios": [sc]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "change" and body["policy_before"] == engine.policy.version and body["policy_after"] == served
    regime = next(d for d in body["scenarios"][0]["differences"] if d["what"] == "regime")
    assert (regime["before"], regime["after"]) == ("all_work_related_requirements", "work_preparation")


def test_mutated_requests_never_break_the_server(client):
    """The fuzzer's valid and mutated scenarios (wfikb/fuzz.py) as request bodies: each is answered 200 or
    with one line and a client-error status, never 500, and the server goes on."""
    import random
    from wfikb import fuzz
    rng = random.Random(19)
    for data in fuzz.valid_dicts(24, 19):
        body = data if rng.random() < 0.25 else fuzz.mutate(copy.deepcopy(data), rng)
        try:
            raw = json.dumps(body, default=str).encode("utf-8", "surrogatepass")
        except (ValueError, RecursionError):
            continue
        r = client.post("/evaluate?explain=outcome&needed=false", content=raw)
        assert r.status_code in (200, 400, 413, 422), (r.status_code, r.text[:300])
        if r.status_code != 200:
            assert "\n" not in r.json()["error"]
    assert client.get("/health").status_code == 200
