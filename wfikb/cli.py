"""The `wfikb` command."""
from __future__ import annotations

import os
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


def _engine(policy_dirs, timeout=None):
    from wfikb.engine import DEFAULT_TIMEOUT, Engine
    return Engine(_policy(policy_dirs), timeout=DEFAULT_TIMEOUT if timeout is None else timeout)


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
    ev = _engine(policy_dirs, timeout).evaluate(sc)
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
    ev = _engine(policy_dirs, timeout).evaluate(sc)
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
    from wfikb.loader import Policy, default_policy_dir
    base, overlays = policy_dirs
    roots = ([Path(p) for p in base] or [default_policy_dir()]) + [Path(p) for p in overlays]
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
    engine = _engine(policy_dirs, timeout)
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
@policy_option
def lint(policy_dirs):
    """Check the policy (and overlays) for authoring faults: one line per finding, exit 1 if any.

    Ids, citations and texts present and unique; every predicate used is defined and every one
    defined is used; no rule that can never fire; each parameter's dated values without gaps or
    overlaps; @in_force windows well formed (docs/robustness.md).

    \b
    Examples:
      wfikb lint
      wfikb lint --overlay docs/examples/overlay-work-preparation-at-3.lp
    """
    from wfikb import lint as linter
    base, overlays = policy_dirs
    findings = linter.run([Path(p) for p in base], [Path(p) for p in overlays])
    for f in findings:
        click.echo(f)
    if findings:
        sys.exit(1)
    click.echo("lint: no findings")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--until", "until", metavar="DATE", help="Last day to look at, YYYY-MM-DD (default: 5 years after the scenario's date).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True)
@pretty_option
@policy_option
def timeline(file, until, fmt, pretty, policy_dirs):
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
    result = tl.build(_engine(policy_dirs), sc, tl.parse_until(until, file))
    if fmt == "json":
        click.echo(render.to_json(tl.to_json(result), pretty), nl=False)
    else:
        click.echo("\n".join(tl.lines(result, markdown=fmt == "md")))


@cli.command()
def vocabulary():
    """Print the scenario vocabulary (every key, its type, values and meaning) as Markdown."""
    from wfikb.vocab_docs import markdown
    click.echo(markdown(), nl=False)


# ------------------------------------------------------------------ analysts (docs/analysts.md)
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
        if not change:
            raise click.UsageError("--exhaustive needs --change OVERLAY")
        _exhaustive(change, policy_dirs, on, between, where, save_examples, fmt, pretty)
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
            report, _ = diffs.by_dates(_policy(policy_dirs), scs, d1, d2, full=fmt == "json", progress=step)
        for sk in report["skipped"]:
            click.echo(printable(f"wfikb: skipped {sk['scenario']}: {sk['reason']}"), err=True)
    if fmt == "json":
        click.echo(render.to_json(report, pretty), nl=False)
    else:
        click.echo("\n".join(printable(x) for x in diffs.text(report, md=fmt == "md").split("\n")), nl=False)
    sys.exit(1 if report["summary"]["changed"] else 0)


def _exhaustive(change, policy_dirs, on, between, where, save_examples, fmt, pretty):
    """The hook to the exhaustive diff over the circumstance space (wfikb.analysis.exhaustive)."""
    try:
        from wfikb.analysis import exhaustive
    except ImportError:
        click.echo("wfikb: error: diff --exhaustive is not available yet (wfikb.analysis.exhaustive)", err=True)
        sys.exit(2)
    base_dirs, _ = policy_dirs
    result = exhaustive.diff(overlay=Path(change), policy_dirs=[Path(p) for p in base_dirs],
                             on=_date(on, "--on") if on else None,
                             between=tuple(_date(d, "--between") for d in between) if between else None,
                             where=list(where), save_examples=Path(save_examples) if save_examples else None)
    click.echo(render.to_json(result, pretty) if fmt == "json" else exhaustive.text(result, md=fmt == "md"), nl=False)
    sys.exit(1 if result.get("changed") else 0)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--change", "change", metavar="OVERLAY", required=True, help="The overlay to check.")
@click.option("--no-new-requirements", "new", is_flag=True, help="FAIL if any scenario gains a requirement.")
@click.option("--no-lost-requirements", "lost", is_flag=True, help="FAIL if any scenario loses a requirement.")
@click.option("--on", "on", metavar="DATE", help="Every scenario's date replaced by DATE (others kept).")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True)
@pretty_option
@policy_option
def check(paths, change, new, lost, on, fmt, pretty, policy_dirs):
    """Directional gate: PASS, or FAIL with the witness scenarios and both explanations.

    A requirement is an asked activity becoming mandatory, or a Universal Credit regime moving up
    no_work_related_requirements -> work_focused_interview -> work_preparation ->
    all_work_related_requirements. Without PATHS, the whole circumstance space is checked when
    wfikb.analysis.exhaustive is installed. Exit status 0 PASS, 1 FAIL, 2 bad input.

    \b
    Example:
      wfikb check --change docs/examples/overlay-work-preparation-at-3.lp --no-new-requirements scenarios
    """
    from wfikb.analysis import gate
    from wfikb.escape import printable
    if new == lost:
        raise click.UsageError("give one of --no-new-requirements or --no-lost-requirements")
    direction = gate.NEW if new else gate.LOST
    if not paths:
        try:
            from wfikb.analysis import exhaustive
        except ImportError:
            raise click.UsageError("give the scenario files or folders to check (PATHS); the exhaustive "
                                   "check is not available yet") from None
        base_dirs, _ = policy_dirs
        result = exhaustive.check(overlay=Path(change), policy_dirs=[Path(p) for p in base_dirs], direction=direction)
        click.echo(render.to_json(result, pretty), nl=False)
        sys.exit(0 if result.get("result") == "PASS" else 1)
    result = gate.check(_change(change, policy_dirs, paths, attribute=False, on=_date(on, "--on") if on else None,
                                full=fmt == "json"), direction)
    if fmt == "json":
        click.echo(render.to_json(result, pretty), nl=False)
    else:
        click.echo("\n".join(printable(x) for x in gate.text(result).split("\n")), nl=False)
    sys.exit(0 if result["result"] == "PASS" else 1)


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
        if getattr(e, "stuck", False):
            # A grounding thread clingo cannot interrupt is still running: end the process now.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(2)
        sys.exit(2)
    except SystemExit as e:
        # click turns a closed stdout (`wfikb rules | head -1`) into exit 1 after pacifying the
        # streams: the reader took what it wanted, which is success.
        if isinstance(sys.stdout, PacifyFlushWrapper):
            sys.exit(0)
        raise
    except BrokenPipeError:
        sys.exit(0)
