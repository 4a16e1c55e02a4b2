"""Load on a warm decision service: p50/p95/p99 latency and errors of explained decisions.

Starts `wfikb serve` on 127.0.0.1 (only: the address is fixed here, never taken from the command line)
on a free port, waits for GET /health, warms it with a few requests, then sends a bounded number of
requests (--requests, and at most --seconds of wall time) from --clients threads, cycling through the
scenario corpus (scenarios/**/*.toml as JSON, `[expect]` left out), and stops the server.

Modes (each measured in the same run, on the same server):
- `explained`: POST /evaluate?explain=full&needed=false: the contract's result with every conclusion's
  explanation tree (the issue's target: p95 <= 50 ms);
- `outcome`: POST /evaluate?explain=outcome&needed=false;
- `needed`: POST /evaluate?explain=full (with `needed`, which re-solves the scenario once per candidate
  circumstance in one batch): far fewer requests (--needed-requests);
- `engine`: the same explained decisions without HTTP, in this process (`Engine.evaluate` and the
  contract's result, as `wfikb evaluate --format json` builds it), measured just before the server
  starts: what the service adds is the difference.

Latency is measured at the client (request sent to body read), in milliseconds. An error is any status
other than 200 or a connection failure. The machine this runs on may be shared: say so with the figures.

    python bench/service_load.py [--requests 200] [--clients 1] [--seconds 120] [--needed-requests 10]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"          # loopback only


def corpus() -> list[bytes]:
    out = []
    for p in sorted((ROOT / "scenarios").rglob("*.toml")):
        data = tomllib.loads(p.read_text(encoding="utf-8"))
        data.pop("expect", None)
        data.pop("generated", None)
        out.append(json.dumps(data, default=str).encode("utf-8"))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(port: int, path: str, body: bytes | None = None, timeout: float = 60.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("POST" if body is not None else "GET", path, body=body,
                     headers={"content-type": "application/json"} if body is not None else {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def start(port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "wfikb", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped at start: {proc.stderr.read().strip()}")
        try:
            if request(port, "/health", timeout=2)[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not answer /health within 120 s")


def run(port: int, path: str, bodies: list[bytes], n: int, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(n))
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            body = bodies[i % len(bodies)]
            t = time.perf_counter()
            try:
                status, data = request(port, path, body)
            except OSError as e:
                status, data = 0, str(e).encode()
            ms = (time.perf_counter() - t) * 1000
            with lock:
                latencies.append(ms)
                if status != 200:
                    errors.append(f"{status}: {data[:200]!r}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    lat = sorted(latencies)

    def pct(p):
        return lat[min(len(lat) - 1, max(0, round(p / 100 * len(lat)) - 1))] if lat else float("nan")
    return {"path": path, "requests": len(lat), "errors": len(errors), "first_error": errors[0] if errors else None,
            "p50_ms": round(pct(50), 1), "p95_ms": round(pct(95), 1), "p99_ms": round(pct(99), 1),
            "max_ms": round(lat[-1], 1) if lat else None, "mean_ms": round(statistics.mean(lat), 1) if lat else None,
            "per_second": round(len(lat) / wall, 1) if wall else None}


def engine_baseline(bodies: list[bytes], n: int, seconds: float) -> dict:
    sys.path.insert(0, str(ROOT))
    from wfikb import render, result as results
    from wfikb.engine import Engine
    from wfikb.scenario import from_dict
    engine = Engine()
    for body in bodies[:10]:
        engine.evaluate(from_dict(json.loads(body)))
    lat = []
    deadline = time.monotonic() + seconds
    for i in range(n):
        if time.monotonic() > deadline:
            break
        t = time.perf_counter()
        render.to_json(results.result(engine.evaluate(from_dict(json.loads(bodies[i % len(bodies)])))))
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, max(0, round(p / 100 * len(lat)) - 1))]
    return {"path": "in-process Engine.evaluate + result", "requests": len(lat), "errors": 0,
            "p50_ms": round(pct(50), 1), "p95_ms": round(pct(95), 1), "p99_ms": round(pct(99), 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--needed-requests", type=int, default=10)
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=120.0, help="wall-time bound of each mode")
    args = ap.parse_args()
    bodies = corpus()
    baseline = engine_baseline(bodies, args.requests, args.seconds)
    port = free_port()
    proc = start(port, args.workers)
    try:
        for body in bodies[:10]:                    # warm: the policy is loaded, first requests served
            request(port, "/evaluate?needed=false", body)
        modes = [("explained", "/evaluate?explain=full&needed=false", args.requests),
                 ("outcome", "/evaluate?explain=outcome&needed=false", args.requests),
                 ("needed", "/evaluate?explain=full", args.needed_requests)]
        report = {"scenarios": len(bodies), "clients": args.clients, "workers": args.workers,
                  "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()], "modes": {}}
        for name, path, n in modes:
            report["modes"][name] = run(port, path, bodies, n, args.clients, args.seconds)
        report["modes"]["engine"] = baseline
        report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    print(json.dumps(report, indent=2))
    return 1 if any(m["errors"] for m in report["modes"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
