"""A generated scenario told as a short case study, in the vocabulary's own words.

Each claimant key is said with its `text` from wfikb/vocabulary.py ("the claimant is a member of a
couple"), with the claimant's name or pronoun for "the claimant" and the value's meaning for an enum;
a child's age is said against the scenario date ("who turns 2 tomorrow", "aged 3"). Names are chosen
by the seed, so the same seed tells the same story.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from wfikb import dates, vocabulary as voc

NAMES = (("Amira", "she"), ("Ben", "he"), ("Chloe", "she"), ("Dev", "he"), ("Efua", "she"), ("Farid", "he"),
         ("Grace", "she"), ("Hamza", "he"), ("Isla", "she"), ("Jonah", "he"), ("Kiran", "he"), ("Leah", "she"),
         ("Marek", "he"), ("Nia", "she"), ("Owen", "he"), ("Priya", "she"), ("Rhys", "he"), ("Sana", "she"),
         ("Tomasz", "he"), ("Uma", "she"), ("Victor", "he"), ("Wen", "she"), ("Yusuf", "he"), ("Zara", "she"))
POSSESSIVE = {"she": "her", "he": "his", "they": "their"}
SKIP = ("benefit", "couple", "children", "born")


def pick_name(seed: int, n: int) -> tuple[str, str]:
    h = int(hashlib.sha256(f"{seed}:{n}".encode()).hexdigest(), 16)
    return NAMES[h % len(NAMES)]


def age_words(born: dt.date, on: dt.date) -> str:
    """A person's age on `on`, said against the nearest birthday."""
    years = dates.completed_years(born, on)
    if dates.anniversary(born, years + 1) == on + dt.timedelta(days=1):
        return f"turns {years + 1} tomorrow"
    if years and dates.anniversary(born, years) == on:
        return f"turns {years} today"
    if years == 0:
        months = dates.completed_months(born, on)[0]
        return f"is {months} month{'s' if months != 1 else ''} old" if months else "was born " + (
            "today" if born == on else f"{(on - born).days} days ago")
    return f"is aged {years}"


def _value(f, v, on: dt.date) -> str:
    if f.kind == "enum":
        return f.value_meanings.get(v, str(v).replace("_", " "))
    if f.kind == "money":
        return f"£{v:,.2f}"
    if f.kind == "hours":
        return f"{v:g} hours"
    if f.kind == "date":
        d = dt.date.fromisoformat(v) if isinstance(v, str) else v
        diff = (on - d).days
        when = "today" if diff == 0 else "yesterday" if diff == 1 else "tomorrow" if diff == -1 else \
            f"{diff} days ago" if diff > 0 else f"in {-diff} days"
        return f"{d.isoformat()} ({when})"
    return str(v)


def tell(sc: dict, name: str, pronoun: str) -> str:
    """The narrative of a scenario dict (contract section 1 shape)."""
    on = dt.date.fromisoformat(sc["date"]) if isinstance(sc["date"], str) else sc["date"]
    cl = sc["claimant"]
    decl = voc.fields("claimant")
    poss = POSSESSIVE[pronoun]
    first = name
    if "born" in cl:
        first += f", {dates.completed_years(dt.date.fromisoformat(cl['born']), on)},"
    benefit = decl["benefit"].value_meanings.get(cl["benefit"], cl["benefit"])
    parts = [f"{first} claims {benefit}" + (f" with {poss} partner" if cl.get("couple") else " as a single person")]
    kids = cl.get("children", [])
    owner = "their" if cl.get("couple") else poss
    for i, c in enumerate(kids):
        what = "foster child" if c.get("foster") else "child"
        lead = f"{owner} {what}" if len(kids) == 1 else f"{owner} {'first' if i == 0 else 'second'} {what}"
        parts.append(f"{lead} {age_words(dt.date.fromisoformat(c['born']), on)}")
    for key, f in decl.items():
        if key in SKIP or key not in cl or not f.text:
            continue
        v = cl[key]
        if f.kind == "bool" and not v:
            continue
        text = f.text.format(v=_value(f, v, on))
        text = text.replace("the claimant's", poss).replace("The claimant's", poss.capitalize())
        text = text.replace("the claimant", pronoun).replace("The claimant", pronoun.capitalize())
        if key == "responsible_carer" and not kids:
            text = f"{pronoun} is named as the responsible carer, though no child is listed"
        parts.append(text)
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + f" (on {on.isoformat()})."
