"""Citations to legislation.gov.uk addresses.

A rule's ``@cite`` is free text written for a lawyer ("UC Regs 2013 reg 99(6) as substituted by
SI 2015/89; WRA 2012 s.21(1)(aa); seed S0.19"). Reports and the docs site link each provision to
its page on legislation.gov.uk. :func:`spans` cuts a citation into runs of plain text and linked
text, so a template can link in place without parsing anything itself.

Addresses are built from a table of instruments (declared once, below) and the provision's kind
and number: ``/uksi/2013/376/regulation/99``, ``/ukpga/2012/5/section/21``,
``/uksi/1987/1967/schedule/1B/paragraph/1``. The site keeps point-in-time versions of Acts from
1 February 1991 and of the statutory instruments it has revised (``revised`` below); for those a
date is appended (``.../regulation/99/2020-01-01``), so the link shows the text in force on the
scenario's date. Other instruments link to their text as made. Sub-paragraphs ("(6)(a)") are
kept in the link text but not in the address: the site's pages are per provision.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

SITE = "https://www.legislation.gov.uk"
#: Acts have point-in-time versions on the site from this date.
ACTS_REVISED_FROM = dt.date(1991, 2, 1)


@dataclass(frozen=True)
class Instrument:
    title: str
    path: str  # e.g. "uksi/2013/376"
    revised: bool  # the site holds point-in-time versions

    @property
    def is_act(self) -> bool:
        return self.path.startswith(("ukpga/", "asp/", "nia/"))

    @property
    def unit(self) -> str:
        return "section" if self.is_act else "regulation"


# The names the policy's citations use, each with its instrument. Longest alias first when two
# overlap ("ESA (WRA) Regs 2011" before "ESA Regs"), which _ALIAS_RE guarantees by sorting.
INSTRUMENTS: dict[str, Instrument] = {}


def _declare(aliases: tuple[str, ...], title: str, path: str, revised: bool = True) -> None:
    inst = Instrument(title, path, revised)
    for alias in aliases:
        INSTRUMENTS[alias] = inst


_declare(("UC Regs 2013", "UC Regs", "Universal Credit Regulations 2013"),
         "Universal Credit Regulations 2013", "uksi/2013/376")
_declare(("ESA Regs 2008", "Employment and Support Allowance Regulations 2008"),
         "Employment and Support Allowance Regulations 2008", "uksi/2008/794")
_declare(("ESA Regs 2013", "Employment and Support Allowance Regulations 2013"),
         "Employment and Support Allowance Regulations 2013", "uksi/2013/379")
_declare(("ESA (WRA) Regs 2011", "ESA WRA Regs 2011", "ESA (WRA) Regs"),
         "Employment and Support Allowance (Work-Related Activity) Regulations 2011", "uksi/2011/1349")
_declare(("IS (WRA) Regs 2014", "IS WRA Regs 2014", "IS (WRA) Regs", "IS WRA Regs"),
         "Income Support (Work-Related Activity) and Miscellaneous Amendments Regulations 2014",
         "uksi/2014/1097", revised=False)
_declare(("IS Regs 1987", "IS Regs", "Income Support (General) Regulations 1987"),
         "Income Support (General) Regulations 1987", "uksi/1987/1967")
_declare(("Partner Regs 2003", "Partner Regs",
          "Social Security (Jobcentre Plus Interviews for Partners) Regs 2003",
          "Social Security (Jobcentre Plus Interviews for Partners) Regulations 2003"),
         "Social Security (Jobcentre Plus Interviews for Partners) Regulations 2003", "uksi/2003/1886")
_declare(("JCP Regs 2002", "JCP Interviews Regs 2002", "JCP Regs",
          "Social Security (Jobcentre Plus Interviews) Regs 2002",
          "Social Security (Jobcentre Plus Interviews) Regulations 2002"),
         "Social Security (Jobcentre Plus Interviews) Regulations 2002", "uksi/2002/1703")
_declare(("LP Regs 2000", "LP WFI Regs 2000", "LP Regs",
          "Social Security (Work-focused Interviews for Lone Parents) Regulations 2000"),
         "Social Security (Work-focused Interviews for Lone Parents) and Miscellaneous Amendments "
         "Regulations 2000", "uksi/2000/1926")
_declare(("JSA Regs 1996", "Jobseeker's Allowance Regulations 1996"),
         "Jobseeker's Allowance Regulations 1996", "uksi/1996/207")
_declare(("JSA Regs 2013", "Jobseeker's Allowance Regulations 2013"),
         "Jobseeker's Allowance Regulations 2013", "uksi/2013/378")
_declare(("Schemes Regs 2013", "Schemes Regs",
          "Jobseeker's Allowance (Schemes for Assisting Persons to Obtain Employment) Regs 2013",
          "Jobseeker's Allowance (Schemes for Assisting Persons to Obtain Employment) Regulations 2013"),
         "Jobseeker's Allowance (Schemes for Assisting Persons to Obtain Employment) Regulations 2013",
         "uksi/2013/276")
_declare(("ESE Regs 2011", "ESE Regs",
          "Jobseeker's Allowance (Employment, Skills and Enterprise Scheme) Regs 2011",
          "Jobseeker's Allowance (Employment, Skills and Enterprise Scheme) Regulations 2011"),
         "Jobseeker's Allowance (Employment, Skills and Enterprise Scheme) Regulations 2011",
         "uksi/2011/917")
_declare(("NMW Regs 2015", "National Minimum Wage Regulations 2015"),
         "National Minimum Wage Regulations 2015", "uksi/2015/621")
_declare(("NMW Regs 1999", "National Minimum Wage Regulations 1999"),
         "National Minimum Wage Regulations 1999", "uksi/1999/584")
_declare(("Social Security and Child Support (Decisions and Appeals) Regs 1999", "D&A Regs 1999",
          "Social Security and Child Support (Decisions and Appeals) Regulations 1999"),
         "Social Security and Child Support (Decisions and Appeals) Regulations 1999", "uksi/1999/991")
_declare(("Social Security (Invalid Care Allowance) Regs 1976",
          "Social Security (Invalid Care Allowance) Regulations 1976"),
         "Social Security (Invalid Care Allowance) Regulations 1976", "uksi/1976/409", revised=False)
_declare(("Scotland Act 2016",), "Scotland Act 2016", "ukpga/2016/11")
_declare(("Equality Act 2010",), "Equality Act 2010", "ukpga/2010/15")
_declare(("WRA 2012", "Welfare Reform Act 2012"), "Welfare Reform Act 2012", "ukpga/2012/5")
_declare(("WRA 2007", "Welfare Reform Act 2007"), "Welfare Reform Act 2007", "ukpga/2007/5")
_declare(("WRWA 2016", "Welfare Reform and Work Act 2016"),
         "Welfare Reform and Work Act 2016", "ukpga/2016/7")
_declare(("SSAA 1992", "Social Security Administration Act 1992"),
         "Social Security Administration Act 1992", "ukpga/1992/5")
_declare(("SSCBA 1992", "Social Security Contributions and Benefits Act 1992"),
         "Social Security Contributions and Benefits Act 1992", "ukpga/1992/4")
_declare(("Jobseekers Act 1995",), "Jobseekers Act 1995", "ukpga/1995/18")
_declare(("Pensions Act 1995",), "Pensions Act 1995", "ukpga/1995/26")
_declare(("Pensions Act 2011",), "Pensions Act 2011", "ukpga/2011/19")
_declare(("Pensions Act 2014",), "Pensions Act 2014", "ukpga/2014/19")
_declare(("State Pension Credit Act 2002",), "State Pension Credit Act 2002", "ukpga/2002/16")
_declare(("Family Law Reform Act 1969",), "Family Law Reform Act 1969", "ukpga/1969/46")
_declare(("Interpretation Act 1978",), "Interpretation Act 1978", "ukpga/1978/30")

_ALIAS_RE = "|".join(re.escape(a) for a in sorted(INSTRUMENTS, key=len, reverse=True))
# "SI 2011/2428", "S.I. 2011/2428", "SR 2016/216" (Northern Ireland statutory rules).
_NUMBERED_RE = r"(?P<series>S\.?I\.?|SR|SSI) ?(?P<year>\d{4})/(?P<num>\d+)"
_PROVISION_RE = (
    r"(?P<kind>regs?\.?|regulations?|ss?\.|sections?|Sch(?:edule)?\.?|paras?\.?|paragraphs?|art\.?)"
    r" ?(?P<num2>\d+[A-Z]{0,3})(?P<sub>(?:\([0-9a-zA-Z]+\))*)"
    r"(?: para\.? ?(?P<para>\d+[A-Z]{0,2})(?P<psub>(?:\([0-9a-zA-Z]+\))*))?"
)
_TOKEN = re.compile(
    rf"(?P<inst>{_ALIAS_RE})|{_NUMBERED_RE}|(?<![\w.])(?P<prov>{_PROVISION_RE})(?![\w])"
)


@dataclass(frozen=True)
class Span:
    """A run of a citation's text, linked to ``url`` when it names a provision or instrument."""
    text: str
    url: str | None = None


def _numbered(series: str, year: str, num: str) -> Instrument:
    series = series.replace(".", "")
    prefix = {"SI": "uksi", "SR": "nisr", "SSI": "ssi"}[series]
    return Instrument(f"{series} {year}/{num}", f"{prefix}/{year}/{num}", revised=False)


def _dated(inst: Instrument, on: dt.date | None) -> str:
    if on is None or not inst.revised:
        return ""
    if inst.is_act and on < ACTS_REVISED_FROM:
        return ""
    return "/" + on.isoformat()


def instrument_url(inst: Instrument, on: dt.date | None = None) -> str:
    if not inst.revised:
        return f"{SITE}/{inst.path}/made" if on is None or not inst.is_act else f"{SITE}/{inst.path}/contents"
    return f"{SITE}/{inst.path}/contents{_dated(inst, on)}"


def provision_url(inst: Instrument, kind: str, number: str, para: str | None = None,
                  on: dt.date | None = None) -> str:
    kind = kind.lower().rstrip(".")
    if kind.startswith("sch"):
        path = f"schedule/{number}" + (f"/paragraph/{para}" if para else "")
    elif kind.startswith("para"):
        path = f"paragraph/{number}"
    elif kind.startswith("art"):
        path = f"article/{number}"
    else:
        path = f"{inst.unit}/{number}"
    suffix = _dated(inst, on) if inst.revised else "/made"
    return f"{SITE}/{inst.path}/{path}{suffix}"


def spans(cite: str, on: dt.date | None = None) -> list[Span]:
    """Cut ``cite`` into plain and linked runs; joined, their texts give back ``cite`` exactly.

    A provision ("reg 99(6)", "s.21(1)(aa)", "Sch 1B para 1") links within the instrument named
    last before it in the same citation; one with no instrument before it stays plain text, and
    so does a seed statement or a reference to this project's docs.
    """
    out: list[Span] = []
    current: Instrument | None = None
    pos = 0
    for m in _TOKEN.finditer(cite):
        if m.start() > pos:
            out.append(Span(cite[pos:m.start()]))
        text = m.group(0)
        if m.group("inst"):
            current = INSTRUMENTS[m.group("inst")]
            out.append(Span(text, instrument_url(current, on)))
        elif m.group("series"):
            current = _numbered(m.group("series"), m.group("year"), m.group("num"))
            out.append(Span(text, instrument_url(current, on)))
        elif current is not None and _fits(current, m.group("kind")):
            kind = m.group("kind")
            if kind.lower().startswith(("ss", "regs", "paras")) and not kind.lower().startswith("sch"):
                kind = kind[:-1] if kind.endswith("s") else kind.rstrip(".")[:-1]
            out.append(Span(text, provision_url(current, kind, m.group("num2"), m.group("para"), on)))
        else:
            out.append(Span(text))
        pos = m.end()
    if pos < len(cite):
        out.append(Span(cite[pos:]))
    return _merged(out)


def _fits(inst: Instrument, kind: str) -> bool:
    # "reg 90" after an Act's name belongs to some instrument the citation did not name again
    # (or to a regulation made under that Act): an unlinked provision beats a wrong link.
    kind = kind.lower()
    if kind.startswith("reg"):
        return not inst.is_act
    if kind.startswith(("s.", "ss.", "section")):
        return inst.is_act
    return True


def _merged(out: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for s in out:
        if merged and s.url is None and merged[-1].url is None:
            merged[-1] = Span(merged[-1].text + s.text)
        else:
            merged.append(s)
    return merged


def links(cite: str, on: dt.date | None = None) -> list[Span]:
    """The linked runs of ``cite`` only, in order, without repeats."""
    seen, out = set(), []
    for s in spans(cite, on):
        if s.url and s.url not in seen:
            seen.add(s.url)
            out.append(s)
    return out
