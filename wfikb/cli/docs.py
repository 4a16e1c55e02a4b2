"""`wfikb docs`: the policy as a static website (docs/site.md)."""
from __future__ import annotations

from pathlib import Path

import click

from wfikb.cli.app import cli
from wfikb.cli.options import policy_option, policy_roots, timeout_option


@cli.command()
@click.option("-o", "--output", "output", required=True, metavar="DIR",
              help="Folder to write the site to: new, empty, or one an earlier `wfikb docs` wrote (replaced).")
@click.option("--templates", type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="Folder of jinja2 templates that replace the shipped ones, file by file.")
@click.option("--scenarios", "scenario_paths", multiple=True, type=click.Path(exists=True), metavar="PATH",
              help="Scenario files or folders whose firings the rule pages list (default: ./scenarios if present).")
@timeout_option
@policy_option
def docs(output, templates, scenario_paths, timeout, policy_dirs):
    """Write a static site of the policy to DIR: an index by instrument, a page per rule and per
    parameter, the vocabulary, a glossary and search. Pages work offline, from file://.

    \b
    Examples:
      wfikb docs -o /tmp/wfikb-site
      wfikb docs -o site --templates my-templates
    """
    from wfikb.cli.options import make_engine
    from wfikb.loader import source
    from wfikb.loader.load import with_core_checks
    from wfikb.reports import site
    out = Path(output)
    site.check_output(out)
    if not scenario_paths and Path("scenarios").is_dir():
        scenario_paths = ("scenarios",)
    engine = make_engine(policy_dirs, timeout)
    files = with_core_checks(source.read_roots(policy_roots(policy_dirs)))
    data = site.build(engine.policy, files, list(scenario_paths), engine)
    pages = site.render(data, Path(templates) if templates else None)
    site.write(pages, out)
    click.echo(f"wrote {len(pages) - 1} files to {out}: {len(data.rules)} rules, {len(data.parameters)} parameters")
