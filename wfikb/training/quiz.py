"""`wfikb quiz DIR`: the worksheet's questions one at a time at the terminal; each answer is checked
against the engine's (worksheet.items) and the reason, citation and the pair's contrast shown after it."""
from __future__ import annotations

import click

from wfikb.training.worksheet import REGIME_WORDS, STATUS_WORDS


def _choices(q: dict) -> list[tuple[str, str]]:
    if q["kind"] == "regime":
        return [(c, REGIME_WORDS.get(c, c)) for c in q["choices"]]
    if q["kind"] == "activity":
        return [(c, STATUS_WORDS[c]) for c in q["choices"]]
    return [("yes", "Yes"), ("no", "No")]


def run(its: list[dict], echo=click.echo, prompt=click.prompt) -> tuple[int, int]:
    right = asked = 0
    for n, it in enumerate(its, 1):
        echo(f"\n{n}. {it['title']}\n{it['narrative']}")
        for q in it["questions"]:
            choices = _choices(q)
            echo(f"\n{q['question']}")
            for i, (_v, text) in enumerate(choices, 1):
                echo(f"  {i}) {text}")
            pick = prompt("Your answer", type=click.IntRange(1, len(choices)))
            asked += 1
            if choices[pick - 1][0] == q["answer"]:
                right += 1
                echo("Right.")
            else:
                echo(f"Not quite: {q['answer_text']}.")
            echo(f"Why: {q['reason']}" + (f" [{q['rule']}: {q['citation']}]" if q["rule"] else ""))
        for c in it["contrasts"]:
            echo(f"Contrast ({c['pair']}, with {c['partner']}): only {c['differs_in']} differs "
                 f"(here: {c['here']}" + (f"; there: {c['there']}" if c.get("there") else "") + ")"
                 + (f", and {c['matters']}" if c.get("matters") else "") + "; "
                 "it teaches " + "; ".join(f"{t['rule']}: {t['condition']}" for t in c["teaches"]))
    echo(f"\n{right} of {asked} right.")
    return right, asked
