"""The one place where calendar dates become the quantities rules compare.

Rules never do calendar arithmetic; they compare these integers with named parameters. Keeping the
conversion here keeps the circumstance space finite and banded (roadmap: exhaustive diff).
"""
from __future__ import annotations

import calendar
import datetime as dt


def as_int(d: dt.date) -> int:
    """YYYYMMDD: ordered like the dates, so clingo compares them with <, <=."""
    return d.year * 10000 + d.month * 100 + d.day


def from_int(n: int) -> dt.date:
    return dt.date(n // 10000, n // 100 % 100, n % 100)


def anniversary(d: dt.date, years: int) -> dt.date:
    """The day a person born on d attains the age `years`.

    Family Law Reform Act 1969 s.9: the age is attained at the start of the anniversary of the
    birth; a 29 February birthday falls on 1 March in common years.
    """
    y = d.year + years
    if d.month == 2 and d.day == 29 and not calendar.isleap(y):
        return dt.date(y, 3, 1)
    return d.replace(year=y)


def completed_years(since: dt.date, on: dt.date) -> int:
    years = on.year - since.year
    if anniversary(since, years) > on:
        years -= 1
    return years


def add_months(d: dt.date, months: int) -> dt.date:
    """Same day-of-month `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def completed_months(since: dt.date, on: dt.date) -> tuple[int, int]:
    """(M, R): M completed calendar months from `since` to `on`, and R days past the M-th monthly
    anniversary. "12 months or less since X" is M < 12 or (M == 12 and R == 0)."""
    m = (on.year - since.year) * 12 + on.month - since.month
    while m > 0 and add_months(since, m) > on:
        m -= 1
    return m, (on - add_months(since, m)).days


def weekday_sunday0(d: dt.date) -> int:
    """0 = Sunday ... 6 = Saturday (a week of confinement runs Sunday to Saturday)."""
    return (d.weekday() + 1) % 7
