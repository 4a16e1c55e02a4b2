"""Commands for analysts: overlay show, diff, check (docs/analysts.md)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from wfikb import render
from wfikb.cli.app import cli
from wfikb.cli.options import FORMAT, load_policy, make_engine, policy_option, pretty_option


@cli.group()
def overlay():
    """Overlays as edits: list an overlay's edits."""


@overlay.command("show")
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True)
@pretty_option
def overlay_show(path, fmt, pretty):
    """List the edits of overlay PATH (.lp file or folder): id, kinds, title, citation.

    \b
    Example:
      wfikb overlay show docs/examples/overlay-three-edits.lp
    """
    from wfikb.analysis import edits
    ov = edits.read(path)
    if fmt == "json":
        click.echo(render.to_json({"overlay": str(path), "edits": [e.to_dict() for e in ov.edits]}, pretty), nl=False)
        return
    click.echo(render.terminal_lines(*edits.text_lines(ov)))


def _progress(total):
    """A progress bar on stderr for long runs at a terminal (a context manager), and its step."""
    import contextlib
    from wfikb.analysis.diff import BATCH
    if total <= BATCH or not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    bar = click.progressbar(length=total, file=sys.stderr, label="evaluating")
    return bar, bar.update


def _change(overlay_path, policy_dirs, paths, attribute=True, progress=True, on=None, full=True):
    """The corpus diff report of overlay_path over PATHS (with each changed scenario's edits)."""
    from wfikb.analysis.attribution import change_report
    from wfikb.analysis.diff import scenarios
    from wfikb.escape import printable
    base_dirs, extra = policy_dirs
    if extra:
        raise click.UsageError("--overlay is not used with --change: the overlay is the change")
    scs = scenarios(list(paths))
    bar, step = _progress(2 * len(scs) if progress else 0)
    with bar:
        report = change_report(Path(overlay_path), [Path(p) for p in base_dirs], scs, attribute=attribute, on=on,
                               full=full, progress=step)
    for sk in report["skipped"]:
        click.echo(printable(f"wfikb: skipped {sk['scenario']}: {sk['reason']}"), err=True)
    return report


def _date(value, flag):
    import datetime as dt
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else dt.date.fromisoformat("x")
    except ValueError:
        raise click.UsageError(f"{flag}: expected a date YYYY-MM-DD; got {value!r}") from None


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--change", "change", metavar="OVERLAY", help="Compare the policy with and without this overlay.")
@click.option("--from-date", "from_date", metavar="D1", help="Compare the law on D1 with the law on D2 ...")
@click.option("--to-date", "to_date", metavar="D2", help="... (each scenario's date replaced by D1, then by D2).")
@click.option("--exhaustive", is_flag=True, help="Over the whole bounded circumstance space, not a corpus.")
@click.option("--on", "on", metavar="DATE", help="--change: every scenario's date replaced by DATE (others kept); "
              "--exhaustive: the law on DATE.")
@click.option("--between", nargs=2, metavar="D1 D2", help="--exhaustive: dates from D1 to D2.")
@click.option("--where", multiple=True, metavar="KEY=VALUE", help="--exhaustive: fix a circumstance (repeatable).")
@click.option("--save-examples", "save_examples", type=click.Path(file_okay=False), metavar="DIR",
              help="--exhaustive: write each cell's example scenario to DIR.")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True)
@click.option("--no-attribution", is_flag=True, help="--change: skip finding the edits behind each change.")
@pretty_option
@policy_option
def diff(paths, change, from_date, to_date, exhaustive, on, between, where, save_examples, fmt, no_attribution,
         pretty, policy_dirs):
    """What a change of the law changes for every scenario under PATHS, and why.

    Exit status 0 when no outcome changes, 1 when some does, 2 on bad input.

    \b
    Examples:
      wfikb diff --change docs/examples/overlay-work-preparation-at-3.lp scenarios
      wfikb diff --from-date 2017-04-02 --to-date 2017-04-03 scenarios/uc --format json
      wfikb diff --change my-overlay.lp --exhaustive --on 2027-04-01
    """
    from wfikb.analysis import diff as diffs
    from wfikb.escape import printable
    if bool(change) == bool(from_date or to_date):
        raise click.UsageError("give --change OVERLAY, or --from-date D1 --to-date D2")
    if exhaustive:
        if not change and (on or between):
            raise click.UsageError("--on and --between go with --change (the dates are --from-date and --to-date)")
        dates = None if change else (_date(from_date or "", "--from-date"), _date(to_date or "", "--to-date"))
        _exhaustive(change, policy_dirs, on, between, where, save_examples, fmt, pretty, dates)
        return
    if between or where or save_examples:
        raise click.UsageError("--between, --where and --save-examples go with --exhaustive")
    if not paths:
        raise click.UsageError("give the scenario files or folders to compare (PATHS)")
    if change:
        report = _change(change, policy_dirs, paths, attribute=not no_attribution, on=_date(on, "--on") if on else None,
                         full=fmt == "json")
    else:
        if on:
            raise click.UsageError("--on goes with --change (or --exhaustive)")
        if not (from_date and to_date):
            raise click.UsageError("give both --from-date D1 and --to-date D2")
        d1, d2 = _date(from_date, "--from-date"), _date(to_date, "--to-date")
        scs = diffs.scenarios(list(paths))
        bar, step = _progress(2 * len(scs))
        with bar:
            report, _ = diffs.by_dates(load_policy(policy_dirs), scs, d1, d2, full=fmt == "json", progress=step)
        for sk in report["skipped"]:
            click.echo(printable(f"wfikb: skipped {sk['scenario']}: {sk['reason']}"), err=True)
    if fmt == "json":
        click.echo(render.to_json(report, pretty), nl=False)
    else:
        click.echo("\n".join(printable(x) for x in diffs.text(report, md=fmt == "md").split("\n")), nl=False)
    sys.exit(1 if report["summary"]["changed"] else 0)


def _space_run(change, policy_dirs, on, between, where, attribute=True, dates=None):
    """The exhaustive diff of overlay `change` (or of the law on dates=(D1, D2)) over the space."""
    import datetime as dt
    from wfikb.analysis import edits, exhaustive
    from wfikb.analysis.space import parse_where
    from wfikb.cli.options import policy_roots
    from wfikb.loader import Policy
    from wfikb.loader.source import read_roots
    try:
        where = parse_where(list(where))
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    if dates:
        policy = load_policy(policy_dirs)
        result = exhaustive.diff(policy, policy, dates=dates, where=where)
        result["policies"] = (policy, policy)
        return result
    if policy_dirs[1]:
        raise click.UsageError("--overlay is not used with --change: the overlay is the change")
    roots = policy_roots(policy_dirs)
    ov = edits.read(change, roots)
    base_files = read_roots(roots)
    base, changed = Policy.from_files(base_files), Policy.from_files(base_files + ov.files)
    result = exhaustive.diff(base, changed, on=_date(on, "--on") if on else (None if between else dt.date.today()),
                             between=tuple(_date(d, "--between") for d in between) if between else None,
                             where=where, overlay=(base_files, ov) if attribute else None)
    result["policies"] = (base, changed)
    return result


def _exhaustive(change, policy_dirs, on, between, where, save_examples, fmt, pretty, dates=None):
    """`wfikb diff --exhaustive`: profiles, changed, cells (docs/analysts.md, JSON shapes)."""
    from wfikb.analysis import examples
    from wfikb.escape import printable
    result = _space_run(change, policy_dirs, on, between, where, dates=dates)
    result.pop("policies")
    for cell in result["cells"]:
        cell.pop("box", None)
    if save_examples:
        result["examples"] = [str(p) for p in examples.save(result["cells"], save_examples, change)]
    if fmt == "json":
        click.echo(render.to_json(result, pretty), nl=False)
    else:
        sp = result["space"]
        what = (f"Change: {change}, on {' .. '.join(sp['dates'][:1] + sp['dates'][1:][-1:])}" if change else
                f"Law on {sp['dates'][0]} -> law on {sp['dates'][-1]} (each profile's dates fixed)")
        lines = [f"{what}, {' '.join(f'{k}={v}' for k, v in sp['where'].items())}",
                 f"{result['profiles']:,} profiles, {result['changed']:,} changed, in {len(result['cells'])} cells "
                 f"({result['seconds']:.1f} s)"]
        for n, cell in enumerate(result["cells"], 1):
            md = fmt == "md"
            lines.append(f"{'- ' if md else ''}{n}. {cell['count']:,} x {cell.get('text', '')}"
                         f"{' [edits: ' + ', '.join(cell['edits']) + ']' if cell['edits'] else ''}")
        for p in result.get("examples", []):
            lines.append(f"example written: {p}")
        click.echo("\n".join(printable(x) for x in lines) + "\n", nl=False)
    sys.exit(1 if result.get("changed") else 0)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--change", "change", metavar="OVERLAY", help="The overlay to check.")
@click.option("--no-new-requirements", "new", is_flag=True, help="FAIL if any scenario gains a requirement.")
@click.option("--no-lost-requirements", "lost", is_flag=True, help="FAIL if any scenario loses a requirement.")
@click.option("--properties", "props", type=click.Path(dir_okay=False), metavar="FILE",
              help="Check the properties (clingo constraints over outcomes) in FILE over the whole space.")
@click.option("--on", "on", metavar="DATE", help="With PATHS: every scenario's date replaced by DATE; without: the law on DATE.")
@click.option("--between", nargs=2, metavar="D1 D2", help="Without PATHS: dates from D1 to D2.")
@click.option("--where", multiple=True, metavar="KEY=VALUE", help="Without PATHS: fix a circumstance (repeatable).")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True)
@pretty_option
@policy_option
def check(paths, change, new, lost, props, on, between, where, fmt, pretty, policy_dirs):
    """Directional gate or properties: PASS, or FAIL with witness scenarios (and both explanations).

    A requirement is an asked activity becoming mandatory, or a Universal Credit regime moving up
    no_work_related_requirements -> work_focused_interview -> work_preparation ->
    all_work_related_requirements. With PATHS the scenarios there are checked; without, the whole
    bounded circumstance space (as `wfikb diff --exhaustive`). Exit status 0 PASS, 1 FAIL, 2 bad input.

    \b
    Examples:
      wfikb check --change docs/examples/overlay-work-preparation-at-3.lp --no-new-requirements scenarios
      wfikb check --change docs/examples/overlay-aet-raised.lp --no-lost-requirements --on 2027-06-01
      wfikb check --properties docs/examples/properties.lp --on 2027-06-01
    """
    from wfikb.analysis import gate
    from wfikb.escape import printable
    if props:
        if change or new or lost or paths:
            raise click.UsageError("--properties goes alone (with --on/--between/--where), not with --change or PATHS")
        _properties(props, policy_dirs, on, between, where, fmt, pretty)
        return
    if not change:
        raise click.UsageError("give --change OVERLAY with a direction, or --properties FILE")
    if new == lost:
        raise click.UsageError("give one of --no-new-requirements or --no-lost-requirements")
    direction = gate.NEW if new else gate.LOST
    if paths:
        if between or where:
            raise click.UsageError("--between and --where check the whole space: give no PATHS")
        result = gate.check(_change(change, policy_dirs, paths, attribute=False, on=_date(on, "--on") if on else None,
                                    full=fmt == "json"), direction)
    else:
        diffed = _space_run(change, policy_dirs, on, between, where)
        base, changed = diffed.pop("policies")
        result = gate.check_space(diffed, base, changed, direction)
    if fmt == "json":
        click.echo(render.to_json(result, pretty), nl=False)
    else:
        click.echo("\n".join(printable(x) for x in gate.text(result).split("\n")), nl=False)
    sys.exit(0 if result["result"] == "PASS" else 1)


def _properties(path, policy_dirs, on, between, where, fmt, pretty):
    import datetime as dt
    from wfikb.analysis import properties
    from wfikb.analysis.space import parse_where
    from wfikb.escape import printable
    try:
        where = parse_where(list(where))
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    result = properties.check(load_policy(policy_dirs), path,
                              on=_date(on, "--on") if on else (None if between else dt.date.today()),
                              between=tuple(_date(d, "--between") for d in between) if between else None, where=where)
    if fmt == "json":
        click.echo(render.to_json(result, pretty), nl=False)
    else:
        click.echo("\n".join(printable(x) for x in properties.text(result, path).split("\n")), nl=False)
    sys.exit(0 if result["result"] == "PASS" else 1)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--target", required=True, metavar="CONCLUSION", help="The conclusion to reach, e.g. regime=work_preparation.")
@click.option("--keep", multiple=True, metavar="KEY", help="A claimant key not to change ('children' for the children); repeatable.")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@pretty_option
@policy_option
def whatif(file, target, keep, fmt, pretty, policy_dirs):
    """The smallest change of circumstances in scenario FILE that makes CONCLUSION hold.

    Fewest keys changed, then the smallest distance in the bands the policy distinguishes
    (docs/analysts.md). Exit status 1 when no change reaches it.

    \b
    Example:
      wfikb whatif docs/examples/uc-child-aged-3-2027.toml --target regime=work_preparation --keep capability
    """
    from wfikb.analysis.whatif import whatif as find
    from wfikb.scenario import load
    sc = load(file)
    r = find(make_engine(policy_dirs), sc, target, keep)
    ev = r.pop("evaluation", None)
    if fmt == "json":
        click.echo(render.to_json(r, pretty), nl=False)
    elif r["result"] == "impossible":
        click.echo(render.terminal_lines(f"impossible: {r['reason']}"))
    elif r["result"] == "already":
        click.echo(render.terminal_lines(f"{target} already holds for scenario {sc.id}"))
    else:
        lines = [f"{target} holds if:"] + [f"  {k}: {c['from']} -> {c['to']}" for k, c in r["changes"].items()]
        click.echo(render.terminal_lines(*lines))
        d = ev.derivation
        from wfikb.model import parse_conclusion
        tree = d.tree(parse_conclusion(target, d.s))
        click.echo(render.terminal_lines("because:", tree.atom))
        click.echo("\n".join(render.tree_lines(tree, "  ", render.Numbers(), None)))
    if r["result"] == "impossible":
        sys.exit(1)
