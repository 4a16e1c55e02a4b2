"""The `wfikb` command group and its entry point: every error a user can cause is one line, exit 2."""
from __future__ import annotations

import os
import sys

import click

from wfikb.errors import WfikbError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="wfikb")
def cli():
    """wfikb: who must attend a work-focused interview or do work-related activity, and why.

    Evaluates scenario files (TOML or JSON, see docs/scenarios.md) against the policy rules and
    explains every conclusion from the solver's own derivation, citing the law behind each step.

    \b
    Examples:
      wfikb evaluate scenarios/examples/wrag-appellant-new-joiners.toml
      wfikb explain scenarios/examples/wrag-appellant-new-joiners.toml --why-not activity=work_programme:mandatory
      wfikb test scenarios --coverage
    """



def main():
    """Every error a user can cause is one printable line on stderr and exit status 2."""
    from wfikb.escape import printable
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.UsageError as e:
        where = e.ctx.command_path if e.ctx else "wfikb"
        click.echo(printable(f"wfikb: error: {e.format_message()} (see: {where} --help)"), err=True)
        sys.exit(2)
    except click.ClickException as e:
        click.echo(printable(f"wfikb: error: {e.format_message()}"), err=True)
        sys.exit(e.exit_code if e.exit_code else 2)
    except WfikbError as e:
        click.echo(f"wfikb: error: {printable(e)}", err=True)
        if getattr(e, "stuck", False):
            # A grounding thread clingo cannot interrupt is still running: end the process now.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(2)
        sys.exit(2)
    except SystemExit:
        # click turns a closed stdout (`wfikb rules | head -1`) into exit 1 after pacifying the
        # streams: the reader took what it wanted, which is success.
        if type(sys.stdout).__name__.lstrip("_") == "PacifyFlushWrapper":
            sys.exit(0)
        raise
    except BrokenPipeError:
        sys.exit(0)

