"""Decisions: a request's scenario(s) in, the body out; the decision log; replay.

Free of the web framework, so the same calls serve `app`, the tests and a script. A decision's body is
the contract's result (section 2, at the requested explanation level, as `wfikb evaluate` / `wfikb batch`
build it) with, in the body itself (never only in headers): `policy` (the result's own: the content
hash of the rules used), `law_date` (the day the law was applied: the scenario's date), `decision_id`,
`evaluated_at` and `needed` (`wfikb.analysis.needed`).

Replay: a decision log line holds the endpoint, its query, the request and the decision. Replaying it
evaluates the request again, under the same id and time stamp, and compares the two bodies byte for
byte; a line made under another policy is refused, naming the policy hash this server no longer has.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import threading
import uuid
from pathlib import Path

from wfikb import batch as batches, render, result as results
from wfikb.engine import Engine
from wfikb.errors import InputError, LimitError, QueryError, RefusedError, WfikbError
from wfikb.graph import Fold
from wfikb.scenario import from_dict

EXPLAIN = batches.EXPLAIN               # none | outcome | full
ENDPOINTS = ("evaluate", "explain", "report", "batch")
REPORT_FORMATS = ("md", "html", "dot")
MAX_BATCH = 1000                        # scenarios in one /batch request
BODY = "request body"                   # what a message about the request names, as the CLI names a file


class ServiceError(WfikbError):
    """A request the service will not answer: its HTTP status and one line saying why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def status_of(e: WfikbError) -> int:
    """The HTTP status of an error a request caused (the CLI's exit status 2 cases)."""
    if isinstance(e, ServiceError):
        return e.status
    if isinstance(e, LimitError):
        return 503
    if isinstance(e, (InputError, QueryError, RefusedError)):
        return 422
    return 500          # PolicyError: the served policy itself is at fault, not the request


def one_line(message) -> str:
    return " ".join(str(message).split())


def _stamp() -> tuple[str, str]:
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return uuid.uuid4().hex, now


class DecisionLog:
    """JSON lines, one per decision, appended with one write each (whole lines, also from several
    worker processes: O_APPEND)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write(self, entry: dict):
        os.write(self.fd, (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))

    def close(self):
        os.close(self.fd)


class Decisions:
    """One worker's decisions: its engine (the policy loaded once), a lock (one evaluation at a time per
    worker: models build their indexes lazily), the optional decision log."""

    def __init__(self, engine: Engine, log: DecisionLog | None = None, wait: float | None = None):
        self.engine, self.log = engine, log
        self.lock = threading.Lock()
        self.wait = wait if wait is not None else (engine.timeout or 60.0)

    @property
    def policy(self) -> str:
        return self.engine.policy.version

    # ---------------------------------------------------------------- deciding
    def decide(self, endpoint: str, query: dict, request, stamp: tuple[str, str] | None = None) -> dict:
        """The body for `request` (parsed JSON) at `endpoint` with `query`; logged unless replayed."""
        query = check_query(endpoint, query)
        decision_id, at = stamp or _stamp()
        if not self.lock.acquire(timeout=self.wait):
            raise ServiceError(503, f"the server is busy: no evaluation slot within {self.wait:g} s; try again")
        try:
            if endpoint == "batch":
                body = self._batch(request, query, decision_id, at)
            else:
                body = self._one(endpoint, request, query, decision_id, at)
        finally:
            self.lock.release()
        if self.log is not None and stamp is None:
            self.log.write({"decision_id": decision_id, "evaluated_at": at, "policy": self.policy,
                            "endpoint": endpoint, "query": query, "request": request, "decision": body})
        return body

    def _one(self, endpoint, request, query, decision_id, at) -> dict:
        from wfikb.analysis.needed import needed
        sc = from_dict(request, source=BODY)
        if endpoint == "report":
            return self._report(sc, query, decision_id, at)
        ev = self.engine.evaluate(sc)
        if endpoint == "evaluate":
            body = batches.outcome(ev, query["explain"])
        else:
            body, fold = results.result(ev), None
            asked = query.get("why") or query.get("why_not")
            if asked:
                from wfikb.model import parse_conclusion
                w = ev.derivation.why_not(parse_conclusion(asked, ev.model.s))
                fold = Fold()
                fold.count = _count_ids(body["conclusions"])   # node ids stay unique in the document
                body["answer"] = w.to_dict(fold)
        body.update(law_date=sc.date.isoformat(), decision_id=decision_id, evaluated_at=at)
        if query["needed"]:
            body["needed"] = needed(self.engine, sc, ev)
        return body

    def _report(self, sc, query, decision_id, at) -> dict:
        """The reader's report (`wfikb report`, docs/reports.md) as text in the JSON body, so it is
        logged and replayed like any decision."""
        from wfikb.reports.make import reports
        from wfikb.reports.render import render as render_report
        text = render_report(reports(self.engine, [sc]), query["format"])
        return {"policy": self.policy, "scenario": sc.id, "format": query["format"], "report": text,
                "law_date": sc.date.isoformat(), "decision_id": decision_id, "evaluated_at": at}

    def _batch(self, request, query, decision_id, at) -> dict:
        if not isinstance(request, dict):
            raise InputError(BODY, None, 'expected an object {"scenarios": [scenario, ...]}')
        for k in request:
            if k != "scenarios":
                raise InputError(BODY, k, "unknown key; expected one of: scenarios")
        items = request.get("scenarios")
        if not isinstance(items, list):
            raise InputError(BODY, "scenarios", "expected an array of scenarios (contract section 1)")
        if len(items) > MAX_BATCH:
            raise ServiceError(413, f"{BODY}: scenarios: expected at most {MAX_BATCH} scenarios in one "
                                    f"request; got {len(items)}")
        out: list[dict | None] = [None] * len(items)
        valid, where = [], []
        for i, item in enumerate(items):
            try:
                valid.append(from_dict(item, source=f"{BODY}: scenarios[{i + 1}]"))
                where.append(i)
            except InputError as e:
                out[i] = {"index": i + 1, "error": one_line(e)}
        evaluations = self.engine.evaluate_each(valid) if valid else []
        from wfikb.analysis.needed import needed
        for i, sc, ev in zip(where, valid, evaluations):
            if isinstance(ev, RefusedError):
                out[i] = {"index": i + 1, "error": one_line(ev)}
                continue
            res = batches.outcome(ev, query["explain"])
            res["law_date"] = sc.date.isoformat()
            if query["needed"]:
                res["needed"] = needed(self.engine, sc, ev)
            out[i] = {"index": i + 1, "result": res}
        return {"policy": self.policy, "decision_id": decision_id, "evaluated_at": at, "results": out}

    # ---------------------------------------------------------------- replay
    def replay(self, entry) -> dict:
        """A decision log line evaluated again under its own id and time stamp: `identical` says whether
        the body is byte-identical to the one logged. Refused (409) when the line's policy hash is not
        the one this server runs."""
        if not isinstance(entry, dict):
            raise InputError(BODY, None, "expected a decision log line (an object)")
        for k in ("endpoint", "query", "request", "decision"):
            if k not in entry:
                raise InputError(BODY, k, "required key is missing (send a line of the decision log as it is)")
        decision = entry["decision"]
        if not isinstance(decision, dict) or not all(isinstance(decision.get(k), str)
                                                     for k in ("policy", "decision_id", "evaluated_at")):
            raise InputError(BODY, "decision", "expected the logged decision, with policy, decision_id and evaluated_at")
        if entry["endpoint"] not in ENDPOINTS:
            raise InputError(BODY, "endpoint", f"expected one of {', '.join(ENDPOINTS)}")
        recorded = decision["policy"]
        if recorded != self.policy:
            raise ServiceError(409, f"decision {decision['decision_id']}: made under policy {recorded}, which this "
                                    f"server no longer has (it serves {self.policy}); replay it on a server "
                                    "started with that policy")
        stamp = (decision["decision_id"], decision["evaluated_at"])
        again = self.decide(entry["endpoint"], entry["query"], entry["request"], stamp)
        same = render.to_json(again) == render.to_json(decision)
        out = {"decision_id": stamp[0], "policy": self.policy, "identical": same}
        if not same:
            out["differs_in"] = sorted(k for k in set(again) | set(decision) if again.get(k) != decision.get(k))
        out["decision"] = again
        return out


def check_query(endpoint: str, query) -> dict:
    """The query of a decision, as logged: every option with its value (defaults filled in)."""
    if endpoint not in ENDPOINTS:
        raise InputError(BODY, "endpoint", f"expected one of {', '.join(ENDPOINTS)}")
    if not isinstance(query, dict):
        raise InputError(BODY, "query", "expected an object of query options")
    allowed = {"evaluate": ("explain", "needed"), "explain": ("why", "why_not", "needed"),
               "report": ("format",), "batch": ("explain", "needed")}[endpoint]
    for k in query:
        if k not in allowed:
            raise InputError("query", k, f"unknown option; expected one of: {', '.join(allowed)}")
    out = {}
    if "explain" in allowed:
        explain = query.get("explain") or ("full" if endpoint == "evaluate" else "outcome")
        if explain not in EXPLAIN:
            raise InputError("query", "explain", f"expected one of {', '.join(EXPLAIN)}; got {explain!r}")
        out["explain"] = explain
    for k in ("why", "why_not"):
        if k in allowed and query.get(k) is not None:
            if not isinstance(query[k], str):
                raise InputError("query", k, "expected a conclusion name such as regime=work_preparation")
            out[k] = query[k]
    if out.get("why") and out.get("why_not"):
        raise InputError("query", "why", "give why or why_not, not both")
    if endpoint == "report":
        fmt = query.get("format") or "html"
        if fmt not in REPORT_FORMATS:
            raise InputError("query", "format", f"expected one of {', '.join(REPORT_FORMATS)}; got {fmt!r}")
        out["format"] = fmt
        return out
    needed = query.get("needed", endpoint != "batch")
    if not isinstance(needed, bool):
        raise InputError("query", "needed", "expected true or false")
    out["needed"] = needed
    return out


def _count_ids(entries) -> int:
    """The largest node id in folded entries (ids are the numbers 1..N in document order)."""
    top = 0
    stack = list(entries)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "id" in node:
                top = max(top, int(node["id"]))
            stack.extend(node.get("because", []))
    return top
