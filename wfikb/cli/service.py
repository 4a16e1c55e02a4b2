"""`wfikb serve`: the decision service over HTTP (docs/service.md; FastAPI and uvicorn, the `serve` extra)."""
from __future__ import annotations

import os
import socket

import click

from wfikb.cli.app import cli
from wfikb.cli.options import policy_option, policy_roots
from wfikb.errors import WfikbError

EXTRA = "the serve extra is not installed: pip install 'wfikb[serve]' (FastAPI and uvicorn)"


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Worker processes; each loads the policy once, at start, and evaluates one request at a time.")
@click.option("--decision-log", "decision_log", type=click.Path(dir_okay=False), metavar="PATH",
              help="Append each decision (request, result, policy hash) to PATH as a JSON line, for POST /replay.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              metavar="SECONDS", help="Time limit of one evaluation (and of the wait for a free worker): past it, 503.")
@policy_option
def serve(host, port, workers, decision_log, timeout, policy_dirs):
    """Serve evaluate, explain, batch, diff and replay as JSON over HTTP, for case-management tools.

    \b
    Examples:
      wfikb serve
      wfikb serve --port 8080 --workers 2 --decision-log decisions.jsonl
      wfikb serve --overlay docs/examples/overlay-work-preparation-at-3.lp
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        raise WfikbError(EXTRA) from None
    from wfikb.service.app import ENV, Config, create_app
    base, overlays = policy_dirs
    roots = [str(p) for p in policy_roots(policy_dirs)]
    config = Config(roots=roots, overlays=bool(overlays), base_roots=roots[:len(roots) - len(overlays)],
                    timeout=timeout, decision_log=os.path.abspath(decision_log) if decision_log else None)
    _check_listen(host, port)
    app = create_app(config)        # the policy is read (and a bad overlay refused) before listening
    click.echo(f"wfikb: serving policy {app.state.decisions.policy} on http://{host}:{port} "
               f"({workers} worker{'s' if workers > 1 else ''}); Ctrl-C stops", err=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    else:
        os.environ[ENV] = config.to_env()
        uvicorn.run("wfikb.service.app:from_environment", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")


def _check_listen(host: str, port: int):
    """One line, exit 2, when the address cannot be listened on (uvicorn would log and exit 1)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise WfikbError(f"--host {host}: cannot resolve it ({e.strerror})") from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            raise WfikbError(f"--host {host} --port {port}: cannot listen there ({e.strerror})") from None
