"""Commands for trainers: generate, worksheet, quiz (docs/trainers.md)."""
from __future__ import annotations

from pathlib import Path

import click

from wfikb import render
from wfikb.cli.app import cli
from wfikb.cli.options import FORMAT, load_policy, make_engine, policy_option

DATE = click.DateTime(formats=["%Y-%m-%d"])


@cli.command()
@click.option("--rules", metavar="IDS", help="Comma-separated rule ids (a * matches any text).")
@click.option("--topic", metavar="NAME", help="A policy folder (uc, esa, ...), a policy file name, uc-groups or carers.")
@click.option("--file", "policy_file", metavar="POLICYFILE", help="Every rule of this policy file.")
@click.option("--on", type=DATE, metavar="DATE", help="The scenario date (default: today).")
@click.option("--between", nargs=2, type=DATE, metavar="D1 D2",
              help="D1 and every date up to D2 on which a window or parameter starts or ends.")
@click.option("--where", multiple=True, metavar="KEY=VALUE", help="Fix a claimant key (default benefit: the rules').")
@click.option("--keys", metavar="KEYS", help="Comma-separated claimant keys that vary (default: those the rules read "
                                             "most, within --budget profiles).")
@click.option("--children", type=click.IntRange(0, 2), default=1, show_default=True, help="Child slots.")
@click.option("--budget", type=click.IntRange(min=1), default=3000, show_default=True,
              help="Most profiles when choosing the keys (about a second per thousand).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files, byte for byte.")
@click.option("--out", "out", required=True, type=click.Path(), metavar="DIR", help="A new or empty folder.")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="Summary format.")
@policy_option
def generate(rules, topic, policy_file, on, between, where, keys, children, budget, seed, out, fmt, policy_dirs):
    """Write teaching pairs for every condition of the selected rules into DIR.

    Each pair is two valid scenarios that differ in one circumstance and in outcome, on the
    policy's own boundaries; the set is the smallest clingo finds that covers every reachable
    condition. Unreachable conditions are listed with the solver's reason.

    \b
    Example:
      wfikb generate --topic uc-groups --on 2026-01-05 --out uc-groups
    """
    from wfikb.analysis.space import parse_where
    from wfikb.errors import InputError
    from wfikb.training import generate as gen
    if sum(x is not None for x in (rules, topic, policy_file)) != 1:
        raise click.UsageError("give exactly one of --rules, --topic or --file")
    if on and between:
        raise click.UsageError("give --on or --between, not both")
    try:
        wh = parse_where(list(where))
    except ValueError as e:
        raise InputError("--where", None, str(e).split(": ", 1)[-1]) from None
    policy = load_policy(policy_dirs)
    g = gen.generate(policy, rules=rules, topic=topic, file=policy_file, on=on.date() if on else None,
                     between=(between[0].date(), between[1].date()) if between else None, where=wh,
                     keys=tuple(k.strip() for k in keys.split(",")) if keys else None, max_children=children,
                     seed=seed, budget=budget)
    gen.write(g, Path(out))
    if fmt == "json":
        click.echo(render.to_json(g.summary, True), nl=False)
    else:
        click.echo(f"wrote {len(g.files)} scenario files to {out}")
        click.echo("\n".join(gen.summary_lines(g.summary)))


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("-o", "output", type=click.Path(), metavar="PATH",
              help="The learner's sheet (default DIR/worksheet.FORMAT); the key goes beside it as NAME-answers.FORMAT.")
@click.option("--templates", type=click.Path(), metavar="DIR", help="Templates to use before the shipped ones.")
@click.option("--shuffle", is_flag=True, help="Shuffle the cases (by --seed).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--title", default="Worksheet", show_default=True)
@policy_option
def worksheet(folder, fmt, output, templates, shuffle, seed, title, policy_dirs):
    """A learner's sheet and a separate answer key for a set written by `wfikb generate`.

    \b
    Example:
      wfikb worksheet uc-groups --format md -o session.md
    """
    from wfikb.atomic import write_file
    from wfikb.training import worksheet as ws
    its = ws.items(make_engine(policy_dirs), folder)
    sheet, key = ws.render_sheets(its, fmt, templates, shuffle, seed, title)
    path = Path(output) if output else Path(folder) / f"worksheet.{fmt}"
    answers = path.with_name(f"{path.stem}-answers{path.suffix}")
    write_file(path, sheet)
    write_file(answers, key)
    click.echo(f"wrote {path} and {answers} ({len(its)} cases, {sum(len(i['questions']) for i in its)} questions)")


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--shuffle", is_flag=True, help="Shuffle the cases (by --seed).")
@click.option("--seed", type=int, default=0, show_default=True)
@policy_option
def quiz(folder, shuffle, seed, policy_dirs):
    """An interactive quiz over a set written by `wfikb generate`: each answer checked, the reason shown.

    \b
    Example:
      wfikb quiz uc-groups
    """
    import random
    from wfikb.training import quiz as qz, worksheet as ws
    its = ws.items(make_engine(policy_dirs), folder)
    if shuffle:
        random.Random(seed).shuffle(its)
    qz.run(its)
