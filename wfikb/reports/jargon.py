"""Jargon readers meet in rule texts and reports, each with a plain explanation.

Declared once here, as data: the docs site (glossary page, and each term explained where a page
first uses it) and the explanation reports both read it. A term is matched as a whole word, case
as written ("UC", not "uc"), so "IS" (Income Support) is not found in "is". Explanations are plain
words at about reading age 9 and use no other term from this list without saying what it means.
"""
from __future__ import annotations

import re

#: term -> (what it stands for, what it means in plain words)
JARGON: dict[str, tuple[str, str]] = {
    "AET": ("administrative earnings threshold",
            "an amount of earnings; someone on Universal Credit who earns at least this much does not have to look for more work."),
    "CA": ("Carer's Allowance",
           "a benefit for people who spend at least 35 hours a week caring for someone who is ill or disabled."),
    "CET": ("conditionality earnings threshold",
            "an amount of earnings, usually what the person would earn working their expected hours at the minimum wage; someone on Universal Credit who earns at least this much has no work-related requirements."),
    "DWP": ("Department for Work and Pensions",
            "the government department that runs most benefits."),
    "ESA": ("Employment and Support Allowance",
            "a benefit for people whose illness or disability makes it hard to work."),
    "IS": ("Income Support",
           "an older benefit for people on a low income who do not have to look for work, such as some lone parents and carers."),
    "JCP": ("Jobcentre Plus",
            "the local office that runs benefit appointments and helps people find work."),
    "JSA": ("Jobseeker's Allowance",
            "a benefit for people who are looking for work."),
    "LCW": ("limited capability for work",
            "a finding that a person's health makes it unreasonable to expect them to work, though they can prepare for work."),
    "LCWRA": ("limited capability for work and work-related activity",
              "a finding that a person's health makes it unreasonable to expect them to work or to prepare for work."),
    "NLW": ("national living wage",
            "the lowest hourly pay the law allows for older workers."),
    "NMW": ("national minimum wage",
            "the lowest hourly pay the law allows for a worker of a given age."),
    "SI": ("statutory instrument",
           "a set of rules made by a minister under an Act of Parliament, such as a set of regulations."),
    "UC": ("Universal Credit",
           "the main benefit for people of working age on a low income; it is replacing six older benefits."),
    "WCA": ("work capability assessment",
            "the check of how a person's health affects what work, or getting ready for work, they can do."),
    "WFI": ("work-focused interview",
            "a meeting with an adviser about work: what the person could do, and what help they could get."),
    "WRA": ("Welfare Reform Act",
            "an Act of Parliament that changed benefits (there are ones from 2007 and 2012)."),
    "WRAG": ("work-related activity group",
             "people on ESA who are asked to go to meetings and may be asked to do things that help them get ready for work, but not to look for work."),
    "WRWA": ("Welfare Reform and Work Act 2016",
             "an Act of Parliament that changed benefits, such as from what age of child a parent must get ready for work."),
    "work-related activity": ("work-related activity",
                              "things that help a person get ready for work, such as training or a work placement."),
    "work-related requirements": ("work-related requirements",
                                  "what someone on Universal Credit can be asked to do about work: go to meetings, get ready for work, or look for work."),
    "sanction": ("sanction",
                 "a cut in a person's benefit for a time because they did not do something they were required to do."),
    "good reason": ("good reason",
                    "a reason the rules accept for not doing something that was required, so there is no sanction."),
}

TERM_RE = re.compile("|".join(rf"(?<![\w-]){re.escape(t)}(?![\w-])"
                               for t in sorted(JARGON, key=len, reverse=True)))


def terms_in(text: str) -> list[str]:
    """The jargon terms `text` uses, in order of first use, each once."""
    seen: dict[str, None] = {}
    for m in TERM_RE.finditer(text):
        seen.setdefault(m.group(0))
    return list(seen)


def explain(term: str) -> str:
    """One line for a glossary or a first use: "WRAG (work-related activity group): people on ..."."""
    full, meaning = JARGON[term]
    return f"{term} ({full}): {meaning}" if full.lower() != term.lower() else f"{term}: {meaning}"


def first_uses(texts: list[str]) -> dict[int, list[str]]:
    """For texts read in order (one page, one report): text index -> the terms first used there."""
    seen: set[str] = set()
    out: dict[int, list[str]] = {}
    for i, text in enumerate(texts):
        new = [t for t in terms_in(text) if t not in seen]
        if new:
            out[i] = new
            seen.update(new)
    return out
