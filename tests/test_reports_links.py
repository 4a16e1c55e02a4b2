"""Citations become legislation.gov.uk links, in place, for the version in force on a date."""
import datetime as dt

import pytest

from wfikb.loader import Policy, default_policy_dir
from wfikb.reports.links import links, spans

ON = dt.date(2020, 1, 1)


def test_a_regulation_links_to_its_page_in_force_on_the_date():
    got = {s.text: s.url for s in spans("UC Regs 2013 reg 99(6) as substituted by SI 2015/89", ON)}
    assert got["reg 99(6)"] == "https://www.legislation.gov.uk/uksi/2013/376/regulation/99/2020-01-01"
    assert got["SI 2015/89"] == "https://www.legislation.gov.uk/uksi/2015/89/made"


def test_a_section_and_a_schedule_paragraph_link_to_their_pages():
    got = {s.text: s.url for s in spans("WRA 2012 s.21(1)(aa); IS Regs 1987 Sch 1B para 1", ON)}
    assert got["s.21(1)(aa)"] == "https://www.legislation.gov.uk/ukpga/2012/5/section/21/2020-01-01"
    assert got["Sch 1B para 1"] == (
        "https://www.legislation.gov.uk/uksi/1987/1967/schedule/1B/paragraph/1/2020-01-01")


def test_spans_give_back_the_citation_exactly_and_seed_statements_stay_plain():
    cite = "ESA (WRA) Regs 2011 reg 3(2)(b) (child under 5 as made); seed S0.19"
    got = spans(cite, ON)
    assert "".join(s.text for s in got) == cite
    assert got[0].url.startswith("https://www.legislation.gov.uk/uksi/2011/1349/")
    assert got[-1].url is None and "S0.19" in got[-1].text


def test_a_regulation_after_an_act_is_not_linked_to_the_act():
    got = {s.text: s.url for s in spans("WRA 2012 s.19; reg 90(2)", ON)}
    assert "reg 90(2)" not in got


def test_an_act_before_1991_links_to_its_current_text_without_a_date():
    [act, _sec] = links("SSAA 1992 s.2A", dt.date(1990, 5, 1))
    assert act.url == "https://www.legislation.gov.uk/ukpga/1992/5/contents"


def test_every_shipped_citation_naming_legislation_links_to_it():
    # Citations of guidance, statistics or this project's contract name no legislation; every
    # other one must link at least one instrument, or INSTRUMENTS lacks it.
    policy = Policy.load([default_policy_dir()])
    unlinked = [r.id for r in policy.rules.values()
                if r.cite and (" Regs" in r.cite or "Regulations" in r.cite or " Act " in r.cite)
                and not links(r.cite)]
    assert unlinked == []
