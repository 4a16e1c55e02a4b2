"""The `wfikb` command."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from wfikb import render, result as results
from wfikb.errors import WfikbError

FORMAT = click.Choice(["text", "json"])
depth_option = click.option("--depth", type=click.IntRange(min=0), default=None, metavar="N",
                            help="Text: show explanations N steps deep (default: all the way to the scenario's facts).")
pretty_option = click.option("--pretty", is_flag=True, help="JSON: indent (default: compact).")


def _policy(policy_dirs):
    """--policy replaces the shipped policy; --overlay adds a folder or file on top of it."""
    from wfikb.loader import Policy, default_policy_dir
    base, overlays = policy_dirs
    roots = [Path(p) for p in base] or [default_policy_dir()]
    return Policy.load(roots + [Path(p) for p in overlays])


def _engine(policy_dirs):
    from wfikb.engine import Engine
    return Engine(_policy(policy_dirs))


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


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@click.option("--full", is_flag=True, help="Text: after the outcome, the full derivation of every conclusion.")
@depth_option
@pretty_option
@policy_option
def evaluate(file, fmt, full, depth, pretty, policy_dirs):
    """Evaluate one scenario FILE: regime, each activity's status and sanction risk, and why.

    \b
    Examples:
      wfikb evaluate scenarios/examples/wrag-appellant-new-joiners.toml
      wfikb evaluate my-case.toml --full
      wfikb evaluate my-case.toml --depth 2
      wfikb evaluate my-case.toml --format json > result.json
    """
    from wfikb.model import Status
    from wfikb.scenario import load
    sc = load(file)
    ev = _engine(policy_dirs).evaluate(sc)
    res = results.result(ev)
    if fmt == "json":
        click.echo(render.to_json(res, pretty), nl=False)
    else:
        d = ev.derivation
        trees = [d.tree(sym) for sym in results.conclusion_atoms(ev)]
        reasons = {a: render.decisive(d.tree(Status(a, e["status"]).symbol(d.s)))
                   for a, e in res["activities"].items() if e["status"]}
        click.echo(render.evaluation_text(res, sc.title, trees, depth, full, reasons, file), nl=False)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--why", "why", metavar="CONCLUSION", help="Explain why CONCLUSION holds.")
@click.option("--why-not", "why_not", metavar="CONCLUSION",
              help="Explain why CONCLUSION does not hold: each rule that could conclude it and what failed.")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@depth_option
@pretty_option
@policy_option
def explain(file, why, why_not, fmt, depth, pretty, policy_dirs):
    """Show the derivation of a conclusion in scenario FILE, or why one does not hold.

    Without --why or --why-not, explains every conclusion. CONCLUSION is named as the output
    names it: regime=REGIME, activity=ACTIVITY:STATUS, sanction_risk=ACTIVITY, or KEY=VALUE for
    other conclusions (e.g. letter=let_6); any policy atom without its scenario argument also
    works (e.g. "can_require(wfi)").

    \b
    Examples:
      wfikb explain case.toml --why regime=work_preparation
      wfikb explain case.toml --why activity=new_joiners_wfi:mandatory
      wfikb explain case.toml --why-not activity=work_programme:mandatory
      wfikb explain case.toml --why-not regime=work_focused_interview --format json
    """
    from wfikb.graph import Fold
    from wfikb.model import parse_conclusion
    from wfikb.scenario import load
    if why and why_not:
        raise click.UsageError("give --why or --why-not, not both")
    sc = load(file)
    ev = _engine(policy_dirs).evaluate(sc)
    d = ev.derivation
    if why_not or why:
        atom = parse_conclusion(why_not or why, d.s)
        w = d.why_not(atom)
        if why and not w.holds:
            if fmt == "json":
                click.echo(render.to_json({"conclusion": w.atom, "holds": False, "text": w.text,
                                           "hint": "use --why-not to see why"}, pretty), nl=False)
            else:
                click.echo(render.terminal_lines(f"{w.atom} does not hold for scenario {sc.id}; "
                                                 f"see: wfikb explain {file} --why-not {why}"))
            sys.exit(1)
        if fmt == "json":
            click.echo(render.to_json(w.to_dict(), pretty), nl=False)
        else:
            click.echo("\n".join(render.why_not_lines(w, depth=depth)))
        return
    trees = [d.tree(sym) for sym in results.conclusion_atoms(ev)]
    if fmt == "json":
        fold = Fold()
        click.echo(render.to_json([fold.entry(t) for t in trees], pretty), nl=False)
    else:
        seen = render.Numbers()
        for t in trees:
            click.echo(render.terminal_lines(t.atom))
            click.echo("\n".join(render.tree_lines(t, "  ", seen, depth)))


@cli.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--coverage", is_flag=True, help="Also list every rule no scenario exercises; fail if any.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary line.")
@policy_option
def test_cmd(paths, coverage, quiet, policy_dirs):
    """Run the [expect] of every scenario under PATHS (default: ./scenarios).

    Prints each failure with expected and got, then 'N passed, M failed'; exits 1 on any failure.

    \b
    Examples:
      wfikb test scenarios
      wfikb test scenarios/uc/uc-case02-child-aged-2-on-2017-04-03.toml
      wfikb test --coverage
    """
    from wfikb import testing
    if not paths:
        if not Path("scenarios").is_dir():
            raise click.UsageError("no PATHS given and no ./scenarios folder here")
        paths = ("scenarios",)
    engine = _engine(policy_dirs)
    evaluations, outcomes = testing.run(engine, list(paths))
    passed = failed = unchecked = 0
    for o in outcomes:
        if not o.checked:
            unchecked += 1
        elif o.problems:
            failed += 1
            click.echo(render.terminal_lines(f"FAIL {o.label}", *(f"  {p}" for p in o.problems)))
        else:
            passed += 1
            if not quiet:
                click.echo(render.terminal_lines(f"ok   {o.source}"))
    uncovered = []
    if coverage:
        used = testing.exercised_rules(evaluations)
        uncovered = [r for r in engine.policy.rules.values() if r.id not in used]
        total = len(engine.policy.rules)
        click.echo(f"coverage: {total - len(uncovered)} of {total} rules exercised")
        for r in uncovered:
            click.echo(render.terminal_lines(f"  never exercised: {r.id}  ({r.file}:{r.line})"))
    if unchecked:
        click.echo(f"{unchecked} scenario(s) have no [expect]")
    click.echo(f"{passed} passed, {failed} failed")
    if failed or uncovered:
        sys.exit(1)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
@policy_option
def rules(fmt, policy_dirs):
    """List every rule: id, in-force window, citation and text.

    \b
    Example:
      wfikb rules --format md > docs/rules.md
    """
    policy = _policy(policy_dirs)
    rows = [{"id": r.id, "file": r.file, "line": r.line, "in_force": r.window_text, "citation": r.cite,
             "text": r.text} for r in policy.rules.values()]
    if fmt == "json":
        click.echo(render.to_json(rows), nl=False)
    elif fmt == "md":
        click.echo(f"# Rules ({len(rows)})\n\nPolicy {policy.version}. Generated by `wfikb rules --format md`.\n")
        current = None
        for r in rows:
            folder = r["file"].rsplit("/", 1)[0]
            if folder != current:
                click.echo(f"\n## {folder}\n\n| id | in force | citation | text |\n|---|---|---|---|")
                current = folder
            cells = [r["id"], r["in_force"], r["citation"], r["text"]]
            click.echo("| " + " | ".join(map(render.markdown_cell, cells)) + " |")
    else:
        for r in rows:
            click.echo(render.terminal_lines(f"{r['id']}  ({r['in_force']})", f"    {r['citation']}", f"    {r['text']}"))


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
    r = find(_engine(policy_dirs), sc, target, keep)
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


@cli.command()
def vocabulary():
    """Print the scenario vocabulary (every key, its type, values and meaning) as Markdown."""
    from wfikb.vocab_docs import markdown
    click.echo(markdown(), nl=False)


def main():
    """Every error a user can cause is one printable line on stderr and exit status 2."""
    from click.utils import PacifyFlushWrapper
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
        sys.exit(2)
    except SystemExit as e:
        # click turns a closed stdout (`wfikb rules | head -1`) into exit 1 after pacifying the
        # streams: the reader took what it wanted, which is success.
        if isinstance(sys.stdout, PacifyFlushWrapper):
            sys.exit(0)
        raise
    except BrokenPipeError:
        sys.exit(0)
