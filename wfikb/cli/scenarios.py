"""Commands on scenarios: evaluate, explain, test, batch, timeline."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from wfikb import render, result as results
from wfikb.cli.app import cli
from wfikb.cli.options import (FORMAT, depth_option, make_engine, policy_option, policy_roots, pretty_option,
                               timeout_option)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@click.option("--full", is_flag=True, help="Text: after the outcome, the full derivation of every conclusion.")
@depth_option
@pretty_option
@timeout_option
@policy_option
def evaluate(file, fmt, full, depth, pretty, timeout, policy_dirs):
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
    ev = make_engine(policy_dirs, timeout).evaluate(sc)
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
@timeout_option
@policy_option
def explain(file, why, why_not, fmt, depth, pretty, timeout, policy_dirs):
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
    ev = make_engine(policy_dirs, timeout).evaluate(sc)
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


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), metavar="OUTPUT",
              help="Where the JSON lines go (written atomically: nothing appears there until the run ends).")
@click.option("--explain", type=click.Choice(["none", "outcome", "full"]), default="outcome", show_default=True,
              help="none: regime, status and sanction risk; outcome: also the rules each status rests on; "
              "full: the whole result with every conclusion's explanation tree.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Worker processes (the output is the same for any N; each is replaced now and "
              "then, which keeps memory flat).")
@click.option("--resume", is_flag=True, help="Continue an interrupted run from OUTPUT.partial.")
@click.option("--chunk", type=click.IntRange(min=1), default=500, show_default=True, metavar="N",
              help="Scenarios evaluated together (memory grows with N, not with the input).")
@policy_option
def batch(input_path, out, explain, jobs, resume, chunk, policy_dirs):
    """Evaluate every scenario in INPUT (a JSON-lines file, or a folder of scenario files) into OUTPUT.

    One JSON line per record, in input order: {"line": N, "result": {...}} or {"line": N, "error":
    "..."}; a bad record is an error line and the run goes on. A progress bar shows on a terminal.

    \b
    Examples:
      wfikb batch cases.jsonl --out results.jsonl
      wfikb batch scenarios --out results.jsonl --explain full --jobs 2
      wfikb batch cases.jsonl --out results.jsonl --resume
    """
    from wfikb import batch as batches
    from wfikb.engine import Engine
    from wfikb.loader import Policy
    roots = policy_roots(policy_dirs)
    engine = Engine(Policy.load(roots))
    try:
        n = batches.run(engine, input_path, out, explain, jobs, resume, chunk, roots)
    except KeyboardInterrupt:
        click.echo(f"wfikb: interrupted; {out}.partial holds the lines done: "
                   "run the same command with --resume to continue", err=True)
        sys.exit(130)
    click.echo(f"{n} record{'' if n == 1 else 's'} written to {out}")


@cli.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--coverage", is_flag=True, help="Also list every rule no scenario exercises; fail if any.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary line.")
@timeout_option
@policy_option
def test_cmd(paths, coverage, quiet, timeout, policy_dirs):
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
    engine = make_engine(policy_dirs, timeout)
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
        coverable = testing.coverable(engine.policy)
        uncovered = [r for r in coverable if r.id not in used]
        total = len(coverable)
        click.echo(f"coverage: {total - len(uncovered)} of {total} rules exercised")
        for r in uncovered:
            click.echo(render.terminal_lines(f"  never exercised: {r.id}  ({r.file}:{r.line})"))
    if unchecked:
        click.echo(f"{unchecked} scenario(s) have no [expect]")
    click.echo(f"{passed} passed, {failed} failed")
    if failed or uncovered:
        sys.exit(1)




@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--until", "until", metavar="DATE", help="Last day to look at, YYYY-MM-DD (default: 5 years after the scenario's date).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True)
@pretty_option
@timeout_option
@policy_option
def timeline(file, until, fmt, pretty, timeout, policy_dirs):
    """Every day from the scenario's date to --until on which an outcome changes, and why.

    The days are read from the scenario's dates and the policy's own thresholds and windows, then
    evaluated in one batch (docs/timeline.md).

    \b
    Examples:
      wfikb timeline scenarios/examples/timeline-uc-lone-parent-child-turns-1-2-3.toml
      wfikb timeline my-case.toml --until 2030-01-01 --format json
    """
    from wfikb import timeline as tl
    from wfikb.scenario import load
    sc = load(file)
    result = tl.build(make_engine(policy_dirs, timeout), sc, tl.parse_until(until, file))
    if fmt == "json":
        click.echo(render.to_json(tl.to_json(result), pretty), nl=False)
    else:
        click.echo("\n".join(tl.lines(result, markdown=fmt == "md")))


