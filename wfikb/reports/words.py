"""The words of a report: activities, regimes and statuses as plain English, jargon explained on
first use, and rule or vocabulary text cleaned of the identifiers it can carry.

Every sentence a report shows passes through `plain` (identifiers to words) and, in sections 1-5,
through `Jargon.explain` (an abbreviation is spelled out the first time it appears).
"""
from __future__ import annotations

import re

from wfikb import vocabulary as voc
from wfikb.reports.jargon import JARGON as _TERMS

# activity -> (noun phrase, what the claimant is required to do)
ACTIVITY = {
    "wfi": ("work-focused interviews", "attend work-focused interviews"),
    "new_joiners_wfi": ("the New Joiners work-focused interview", "attend the New Joiners work-focused interview"),
    "work_related_activity": ("work-related activity", "do work-related activity"),
    "work_programme": ("the Work Programme", "take part in the Work Programme"),
    "work_and_health_programme": ("the Work and Health Programme", "take part in the Work and Health Programme"),
    "group_information_session": ("group information sessions", "attend group information sessions"),
    "work_preparation": ("work preparation", "do work preparation"),
    "work_search": ("looking for work", "look for work"),
    "work_availability": ("being available for work", "be available for work"),
    "home_interview": ("a work-focused interview at home", "attend a work-focused interview at home"),
}
assert set(ACTIVITY) == set(voc.ACTIVITIES), "every activity of the vocabulary needs words"

# One missed appointment of each activity, for "If you miss one ...".
ONE = {"wfi": "one", "new_joiners_wfi": "it", "work_related_activity": "it", "work_programme": "it",
       "work_and_health_programme": "it", "group_information_session": "one", "work_preparation": "it",
       "work_search": "it", "work_availability": "it", "home_interview": "it"}

REGIME = {
    "no_work_related_requirements": ("the no work-related requirements group",
                                     "nothing can be required of you as a condition of your Universal Credit"),
    "work_focused_interview": ("the work-focused interview group",
                               "you can be required to attend work-focused interviews, and nothing more"),
    "work_preparation": ("the work preparation group",
                         "you can be required to attend work-focused interviews and to prepare for work, "
                         "but not to look for work"),
    "all_work_related_requirements": ("the all work-related requirements group",
                                      "you can be required to look for work and be available for it, "
                                      "as well as to attend interviews and prepare for work"),
}
assert set(REGIME) == set(voc.REGIMES)
REGIME_ORDER = list(voc.REGIMES)

STATUS = {"mandatory": "can be required", "voluntary": "can be offered but not required",
          "not_permitted": "must not be asked of you"}

# Abbreviations a reader may not know, from the one list (wfikb/reports/jargon.py, which the docs
# site's glossary reads too): spelled out the first time a report uses them.
JARGON = {term: full for term, (full, _meaning) in _TERMS.items() if term.isupper()}
_JARGON_RE = re.compile(r"\b(" + "|".join(sorted(JARGON, key=len, reverse=True)) + r")s?\b")

# Identifiers a rule's text can carry (an activity, a regime or an enum value filled in from a
# variable), each with its words. Longest first, so `wfi` does not eat `new_joiners_wfi`.
_IDENTS: dict[str, str] = {}
for _a, (_noun, _) in ACTIVITY.items():
    _IDENTS[_a] = _noun
for _r, (_name, _) in REGIME.items():
    _IDENTS.setdefault(_r, _name.removeprefix("the ").removesuffix(" group"))
for _decl in (voc.CLAIMANT, voc.ASK):
    for _f in _decl:
        for _v, _m in _f.value_meanings.items():
            if "_" in _v and _v not in _m:
                _IDENTS.setdefault(_v, _m)
_IDENTS.update({"esa_income_related": "old-style ESA", "esa_new_style": "new-style ESA",
                "universal_credit": "Universal Credit", "income_support": "Income Support",
                "mandatory": "mandatory", "not_permitted": "not permitted", "wrag": "WRAG",
                "lcwra": "LCWRA", "lcw": "LCW", "jsa": "JSA"})
_IDENT_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(_IDENTS, key=len, reverse=True))
                       + r")(?![\w-])")
# A comparison's variables as the rule wrote them, "(A < L)": the values are already shown.
_VARS_RE = re.compile(r"\s*\((?:[A-Z][A-Za-z0-9_]*\s*(?:[<>=!]=?|[-+*/\\])\s*)+[A-Z0-9][A-Za-z0-9_]*\)")


_SNAKE_RE = re.compile(r"(?<![\w.-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w-])")


def plain(text: str) -> str:
    """Rule or vocabulary text without identifiers: activities, regimes and enum values as words;
    any other value a rule fills in (`assess_prospects_of_work`) with its underscores as spaces."""
    text = _VARS_RE.sub("", text)
    text = _IDENT_RE.sub(lambda m: _IDENTS[m.group(1)], text)
    return _SNAKE_RE.sub(lambda m: m.group(1).replace("_", " "), text)


def sentence(text: str) -> str:
    """Capital first letter, one full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


_PERSON = [
    (re.compile(r"\bthe claimant is\b", re.I), "you are"),
    (re.compile(r"\bthe claimant was\b", re.I), "you were"),
    (re.compile(r"\bthe claimant has\b", re.I), "you have"),
    (re.compile(r"\bthe claimant's\b", re.I), "your"),
    (re.compile(r"\bthe claimant (receive|care|earn|live|cho|become)s\b", re.I), r"you \1"),
    (re.compile(r"\bthe claimant\b", re.I), "you"),
    (re.compile(r"\bthe partner\b", re.I), "your partner"),
]


def second_person(text: str) -> str:
    """Vocabulary text ("the claimant is a lone parent") addressed to the reader ("you are ...")."""
    for pattern, repl in _PERSON:
        text = pattern.sub(repl, text)
    return text


class Jargon:
    """Spells out each abbreviation the first time one report uses it."""

    def __init__(self):
        self.seen: set[str] = set()

    def explain(self, text: str) -> str:
        def sub(m):
            term = m.group(1)
            if term in self.seen:
                return m.group(0)
            self.seen.add(term)
            return f"{JARGON[term]} ({m.group(0)})"
        return _JARGON_RE.sub(sub, text)


def outcome_sentences(activity: str, status: str | None, risk: bool, missed: bool) -> list[str]:
    """Section 1: what the claimant can be asked to do, in one or two sentences."""
    noun, verb = ACTIVITY[activity]
    if status == "mandatory":
        out = [f"You can be required to {verb}."]
        if risk:
            out.append("You missed it without an accepted good reason, so your benefit can be reduced."
                       if missed else f"If you miss {ONE[activity]} without a good reason, your benefit can be reduced.")
        else:
            out.append("As things stand, your benefit should not be reduced over the one you missed."
                       if missed else "Your benefit should not be reduced over it as things stand.")
        return out
    if status == "voluntary":
        return [f"You can be offered {noun}, but you cannot be required to take part.",
                "There is no sanction if you do not."]
    if status == "not_permitted":
        return [f"You must not be referred to {noun} or required to take part."]
    return [f"The rules give no answer about {noun} for you."]


def change_words(activity: str | None, before, after) -> str:
    """What an alternative would change: "you would be in the work-focused interview group"."""
    if activity is None:
        return f"you would be in {REGIME[after][0]}" if after else "you would have no Universal Credit group"
    noun, verb = ACTIVITY[activity]
    if isinstance(after, bool):
        return (f"missing {noun} would put your benefit at risk" if after else
                f"missing {noun} would not put your benefit at risk")
    if after == "mandatory":
        return f"you could be required to {verb}"
    if after == "voluntary":
        return f"{noun} could be offered but not required"
    if after == "not_permitted":
        return f"you could not be referred to {noun}"
    return f"the rules would give no answer about {noun}"
