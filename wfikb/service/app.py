"""The FastAPI application: configuration, the policy loaded once per worker, bodies read under a size
limit, every error one line.

`create_app(Config)` loads the policy (from the on-disk cache when warm) and builds one `Decisions`;
uvicorn's worker processes each call `from_environment()` (the configuration travels in WFIKB_SERVE, as
JSON), so each worker loads the policy once, at start. Errors a request causes are answered
`{"error": "<one line>"}`: the body is not JSON 400, breaks the contract 422 (the CLI's own message:
`request body: claimant.esa_group: expected one of ...`), too large 413, past the time limit or no free
evaluation slot 503, a replay under another policy 409. Anything else is 500 with one line; the server
goes on.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from wfikb.errors import InputError, WfikbError
from wfikb.escape import printable
from wfikb.scenario import MAX_FILE_BYTES, parse
from wfikb.service import schema
from wfikb.service.decisions import BODY, DecisionLog, Decisions, ServiceError, one_line, status_of

ENV = "WFIKB_SERVE"
log = logging.getLogger("wfikb.service")


@dataclass(frozen=True)
class Limits:
    body: int = MAX_FILE_BYTES          # one scenario: as a scenario file
    batch: int = 20_000_000             # /batch, /diff, /replay (a log line holds its decision)


@dataclass
class Config:
    roots: list[str] = field(default_factory=list)      # policy roots (shipped policy, then overlays)
    overlays: bool = False                               # roots end with overlays: /diff compares without them
    base_roots: list[str] = field(default_factory=list)
    timeout: float = 10.0
    decision_log: str | None = None
    body_limit: int = MAX_FILE_BYTES
    batch_limit: int = 20_000_000

    def to_env(self) -> str:
        return json.dumps(asdict(self))


def create_app(config: Config | None = None) -> FastAPI:
    from wfikb.engine import Engine
    from wfikb.loader import Policy, default_policy_dir
    config = config or Config()
    roots = [Path(p) for p in config.roots] or [default_policy_dir()]
    engine = Engine(Policy.load(roots), timeout=config.timeout)
    dlog = DecisionLog(config.decision_log) if config.decision_log else None
    app = FastAPI(title="wfikb decision service", version=engine.policy.version,
                  description="Who must attend a work-focused interview or do work-related activity, and why: "
                              "the contract's scenario in, its result out, explained from the solver's own "
                              "derivation (docs/service.md).")
    app.state.decisions = Decisions(engine, dlog, wait=config.timeout)
    app.state.limits = Limits(config.body_limit, config.batch_limit)
    app.state.base_policy = _lazy_policy([Path(p) for p in config.base_roots]) if config.overlays else None
    from wfikb.service.routes import router
    app.include_router(router)
    _handlers(app)
    app.openapi = lambda: _openapi(app)
    return app


def from_environment() -> FastAPI:
    """uvicorn's factory for each worker process."""
    raw = os.environ.get(ENV)
    return create_app(Config(**json.loads(raw)) if raw else None)


def _lazy_policy(roots):
    from wfikb.loader import Policy
    cache = []

    def get():
        if not cache:
            cache.append(Policy.load(roots))
        return cache[0]
    return get


async def read_json(request: Request, limit: int, scenario: bool = True):
    """The body as JSON, read no further than `limit` bytes; refused with the CLI's one-line messages.
    `scenario`: read as a scenario file is (`wfikb.scenario.parse`: no duplicate keys, NaN, deep nesting);
    otherwise (a decision log line, whose explanations nest deeper) as plain JSON."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise ServiceError(413, f"{BODY}: expected at most {limit:,} bytes; got {int(length):,}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError(413, f"{BODY}: expected at most {limit:,} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise ServiceError(400, f"{BODY}: empty; expected a JSON object (contract section 1)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ServiceError(400, f"{BODY}: expected UTF-8 text (byte {e.start + 1} is not)") from None
    if not scenario:
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise ServiceError(400, f"{BODY}: not valid JSON (line {e.lineno}: {e.msg})") from None
        except (RecursionError, ValueError):
            raise ServiceError(400, f"{BODY}: not valid JSON (nested too deep, or a number too long)") from None
    try:
        return parse(text, ".json", BODY)
    except InputError as e:
        raise ServiceError(400, str(e)) from None


def _error(status: int, message) -> JSONResponse:
    return JSONResponse({"error": printable(one_line(message))}, status_code=status)


def _handlers(app: FastAPI):
    @app.exception_handler(WfikbError)
    async def wfikb_error(request: Request, e: WfikbError):
        return _error(status_of(e), e)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError):
        first = e.errors()[0] if e.errors() else {}
        where = " ".join(str(x) for x in first.get("loc", ()))
        return _error(422, f"{where or 'request'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, e: HTTPException):
        return _error(e.status_code, f"{request.method} {request.url.path}: {e.detail}")

    @app.exception_handler(Exception)
    async def internal(request: Request, e: Exception):
        log.exception("internal error answering %s %s", request.method, request.url.path)
        return _error(500, f"internal error ({type(e).__name__}); the request was not answered, the server goes on")


def _openapi(app: FastAPI) -> dict:
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi
        doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        comps = doc.setdefault("components", {}).setdefault("schemas", {})
        comps["Scenario"] = schema.scenario_schema()
        comps["Batch"] = schema.batch_schema()
        app.openapi_schema = doc
    return app.openapi_schema
