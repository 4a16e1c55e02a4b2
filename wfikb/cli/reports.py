"""The `report` command: explanation reports for readers (docs/reports.md)."""
from __future__ import annotations

import click

from wfikb.cli.app import cli
from wfikb.cli.options import make_engine, policy_option, timeout_option


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["md", "html", "dot"]), default="md", show_default=True,
              help="Markdown, one self-contained HTML file, or a Graphviz graph of the derivation.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), default=None,
              metavar="PATH", help="Write to PATH instead of standard output.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False), default=None, metavar="DIR",
              help="Templates to use before the shipped ones (report.md.j2, report.html.j2, report.dot.j2).")
@timeout_option
@policy_option
def report(files, fmt, output, templates, timeout, policy_dirs):
    """A report for readers of scenario FILE(s): the answer, why, which of your circumstances
    decide it (each changed and solved again), why not the nearest other outcome, what to do,
    and the full derivation. Several files give one document.

    \b
    Examples:
      wfikb report scenarios/examples/wrag-appellant-new-joiners.toml
      wfikb report case.toml --format html -o report.html
      wfikb report case.toml --format dot | dot -Tsvg > derivation.svg
    """
    import jinja2

    from wfikb.atomic import write_file
    from wfikb.errors import WfikbError
    from wfikb.reports.make import reports
    from wfikb.reports.render import render
    from wfikb.scenario import load
    scenarios = [load(f) for f in files]
    built = reports(make_engine(policy_dirs, timeout), scenarios)
    try:
        text = render(built, fmt, templates)
    except jinja2.TemplateError as e:
        where = f"{e.filename}:{e.lineno}" if getattr(e, "filename", None) else (templates or "templates")
        raise WfikbError(f"{where}: template error: {e.message or type(e).__name__}") from None
    if output is None:
        click.echo(text, nl=False)
        return
    write_file(output, text)
