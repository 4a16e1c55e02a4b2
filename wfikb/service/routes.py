"""The endpoints. Each decision endpoint reads its body under a size limit (`app.read_json`), hands it to
`decisions.Decisions` in a worker thread, and returns the body as the CLI's JSON (`render.to_json`:
equal input, byte-identical output). Errors are raised as `WfikbError`s; `app` turns each into one line."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from wfikb import render
from wfikb.errors import InputError
from wfikb.service import schema
from wfikb.service.decisions import BODY, MAX_BATCH, ServiceError, check_query

router = APIRouter()

SCENARIO_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Scenario"}, "examples": schema.EXAMPLES}}}}
BATCH_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Batch"},
    "example": {"scenarios": [schema.EXAMPLE, schema.UC_EXAMPLE]}}}}}
DIFF_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["scenarios"], "properties": {
        "scenarios": {"type": "array", "items": {"$ref": "#/components/schemas/Scenario"}},
        "from_date": schema.DATE, "to_date": schema.DATE}},
    "example": {"scenarios": [schema.UC_EXAMPLE], "from_date": "2017-03-31", "to_date": "2017-04-03"}}}}}
REPLAY_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "description": "one line of the decision log, as it is",
               "required": ["endpoint", "query", "request", "decision"]}}}}}
ERRORS = {400: {"description": "the body is not JSON (one line: {\"error\": ...})"},
          413: {"description": "the body is over the size limit"},
          422: {"description": "the scenario breaks the contract, or its circumstances contradict each other"},
          503: {"description": "the evaluation ran past the time limit, or the server is busy"}}

EXPLAIN_Q = Query(None, description="none: regime, status, sanction risk; outcome: also each status's rules; "
                  "full (default for /evaluate): the contract's result with every conclusion's explanation",
                  json_schema_extra={"enum": ["none", "outcome", "full"]})
NEEDED_Q = Query(None, description="true (default, but false for /batch): list the circumstances the "
                 "scenario did not state that would change an outcome (`needed`, computed by re-solving)",
                 json_schema_extra={"enum": ["true", "false"]})


def _json(data, status: int = 200) -> Response:
    return Response(render.to_json(data), status_code=status, media_type="application/json")


def _flag(value: str | None, name: str):
    if value is None:
        return None
    if value not in ("true", "false"):
        raise InputError("query", name, f"expected true or false; got {value!r}")
    return value == "true"


def _query(**kw) -> dict:
    return {k: v for k, v in kw.items() if v is not None}


async def _decide(request: Request, endpoint: str, query: dict, limit: int) -> Response:
    from wfikb.service.app import read_json
    d = request.app.state.decisions
    query = check_query(endpoint, query)          # a bad option is refused before the body is read
    data = await read_json(request, limit)
    return _json(await run_in_threadpool(d.decide, endpoint, query, data))


# ------------------------------------------------------------------ decisions
@router.post("/evaluate", openapi_extra=SCENARIO_BODY, responses=ERRORS,
             summary="Evaluate one scenario (contract section 2 result + policy, law_date, decision_id, evaluated_at, needed)")
async def evaluate(request: Request, explain: str | None = EXPLAIN_Q, needed: str | None = NEEDED_Q):
    return await _decide(request, "evaluate", _query(explain=explain, needed=_flag(needed, "needed")),
                         request.app.state.limits.body)


@router.post("/explain", openapi_extra=SCENARIO_BODY, responses=ERRORS,
             summary="Evaluate with every conclusion's explanation; why/why_not answer one conclusion as `wfikb explain` does")
async def explain(request: Request, why: str | None = Query(None, description="e.g. regime=work_preparation"),
                  why_not: str | None = Query(None, description="e.g. activity=work_programme:mandatory"),
                  needed: str | None = NEEDED_Q):
    return await _decide(request, "explain", _query(why=why, why_not=why_not, needed=_flag(needed, "needed")),
                         request.app.state.limits.body)


@router.post("/batch", openapi_extra=BATCH_BODY, responses=ERRORS,
             summary=f"Evaluate up to {MAX_BATCH} scenarios in one solve: a result or a one-line error for each, in order")
async def batch(request: Request, explain: str | None = Query(None, description="none, outcome (default) or full",
                                                              json_schema_extra={"enum": ["none", "outcome", "full"]}),
                needed: str | None = Query(None, description="true: `needed` for each result (default false)")):
    return await _decide(request, "batch", _query(explain=explain, needed=_flag(needed, "needed")),
                         request.app.state.limits.batch)


@router.post("/report", openapi_extra=SCENARIO_BODY, responses=ERRORS,
             summary="The reader's report of one scenario (`wfikb report`): {format, report: text, policy, law_date, decision_id, evaluated_at}")
async def report(request: Request, format: str | None = Query(
        None, description="html (default: one self-contained page), md or dot",
        json_schema_extra={"enum": ["html", "md", "dot"]})):
    return await _decide(request, "report", _query(format=format), request.app.state.limits.body)


@router.post("/diff", openapi_extra=DIFF_BODY, responses=ERRORS,
             summary="Scenarios under two versions of the law: two dates, or (a server with --overlay) without and with the overlay")
async def diff(request: Request):
    from wfikb.service.app import read_json
    data = await read_json(request, request.app.state.limits.batch)
    return _json(await run_in_threadpool(_diff, request.app.state, data))


def _diff(state, data) -> dict:
    from wfikb.analysis import diff as diffs
    from wfikb.scenario import from_dict
    if not isinstance(data, dict):
        raise InputError(BODY, None, 'expected an object {"scenarios": [...], "from_date", "to_date"}')
    for k in data:
        if k not in ("scenarios", "from_date", "to_date"):
            raise InputError(BODY, k, "unknown key; expected one of: scenarios, from_date, to_date")
    items = data.get("scenarios")
    if not isinstance(items, list) or not items:
        raise InputError(BODY, "scenarios", "expected a non-empty array of scenarios (contract section 1)")
    if len(items) > MAX_BATCH:
        raise ServiceError(413, f"{BODY}: scenarios: expected at most {MAX_BATCH} scenarios; got {len(items)}")
    scs = [from_dict(x, source=f"{BODY}: scenarios[{i}]") for i, x in enumerate(items, 1)]
    d = state.decisions
    with _slot(d):
        if "from_date" in data or "to_date" in data:
            d1, d2 = (_date(data.get(k), k) for k in ("from_date", "to_date"))
            report, _ = diffs.by_dates(d.engine.policy, scs, d1, d2)
            return report
        if state.base_policy is None:
            raise InputError(BODY, "from_date", "required (with to_date) unless the server runs an overlay "
                                                "(wfikb serve --overlay PATH), which is then the change compared")
        report, _ = diffs.by_change(state.base_policy(), d.engine.policy, scs)
        return report


class _slot:
    def __init__(self, d):
        self.d = d

    def __enter__(self):
        if not self.d.lock.acquire(timeout=self.d.wait):
            raise ServiceError(503, f"the server is busy: no evaluation slot within {self.d.wait:g} s; try again")

    def __exit__(self, *exc):
        self.d.lock.release()


def _date(value, key) -> dt.date:
    if not isinstance(value, str):
        raise InputError(BODY, key, "expected a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(BODY, key, f"expected a date YYYY-MM-DD; got {value!r}") from None


@router.post("/replay", openapi_extra=REPLAY_BODY, responses={**ERRORS, 409: {
    "description": "the logged decision was made under a policy hash this server no longer has"}},
             summary="Re-evaluate a logged decision under its recorded policy hash: byte-identical or not")
async def replay(request: Request):
    from wfikb.service.app import read_json
    data = await read_json(request, request.app.state.limits.batch, scenario=False)
    return _json(await run_in_threadpool(request.app.state.decisions.replay, data))


# ------------------------------------------------------------------ the policy and the service
@router.get("/rules", summary="Every rule: id, file, line, in-force window, citation, text (as `wfikb rules --format json`)")
def rules(request: Request):
    return _json([schema.rule_row(r) for r in request.app.state.decisions.engine.policy.rules.values()])


@router.get("/rules/{rule_id}", summary="One rule", responses={404: {"description": "no such rule"}})
def rule(request: Request, rule_id: str):
    policy = request.app.state.decisions.engine.policy
    r = policy.rules.get(rule_id)
    if r is None:
        raise ServiceError(404, f"rule {rule_id}: no such rule in policy {policy.version} (see GET /rules)")
    return _json(schema.rule_row(r))


@router.get("/parameters", summary="Every dated parameter value (param/4) with the rule that states it")
def parameters(request: Request):
    return _json(schema.parameters(request.app.state.decisions.engine.policy))


@router.get("/vocabulary", summary="Every key a scenario can state (wfikb/vocabulary.py)")
def vocabulary():
    return _json(schema.vocabulary())


@router.get("/health", summary="The policy this worker serves")
def health(request: Request):
    d = request.app.state.decisions
    return _json({"status": "ok", "policy": d.policy, "rules": len(d.engine.policy.rules),
                  "decision_log": d.log is not None})
