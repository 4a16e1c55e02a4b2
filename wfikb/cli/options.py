"""The options several commands share, and how they become a policy and an engine."""
from __future__ import annotations

from pathlib import Path

import click

FORMAT = click.Choice(["text", "json"])
depth_option = click.option("--depth", type=click.IntRange(min=0), default=None, metavar="N",
                            help="Text: show explanations N steps deep (default: all the way to the scenario's facts).")
pretty_option = click.option("--pretty", is_flag=True, help="JSON: indent (default: compact).")


def policy_roots(policy_dirs) -> list[Path]:
    """--policy replaces the shipped policy; --overlay adds a folder or file on top of it."""
    from wfikb.loader import default_policy_dir
    base, overlays = policy_dirs
    return ([Path(p) for p in base] or [default_policy_dir()]) + [Path(p) for p in overlays]


def load_policy(policy_dirs):
    from wfikb.loader import Policy
    return Policy.load(policy_roots(policy_dirs))


def make_engine(policy_dirs, timeout=None):
    from wfikb.engine import DEFAULT_TIMEOUT, Engine
    return Engine(load_policy(policy_dirs), timeout=DEFAULT_TIMEOUT if timeout is None else timeout)


timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
    help="Stop grounding and solving after SECONDS (default 60) and exit 2 saying so.")


def policy_option(f):
    f = click.option("--overlay", "overlays", multiple=True, type=click.Path(exists=True),
                     metavar="PATH", help="An overlay (.lp file or folder) on top of the policy: it may "
                     "add rules and switch rules off with '% @disable RULE_ID' (repeatable).")(f)
    f = click.option("--policy", "base", multiple=True, type=click.Path(exists=True),
                     metavar="DIR", help="Policy folder to use instead of the shipped one.")(f)

    import functools

    @functools.wraps(f)
    def wrapper(*args, base, overlays, **kw):
        return f(*args, policy_dirs=(base, overlays), **kw)
    return wrapper

