"""Reports rendered through jinja2 templates: Markdown, one self-contained HTML file, or Graphviz dot.

The templates ship in the package (wfikb/reports/templates/report.{md,html,dot}.j2); `--templates DIR`
puts a folder in front of them, so a user can replace one template or all. Every value a template
prints is escaped by default, whatever the template: HTML by jinja2's autoescape (controls made visible first), Markdown and dot
by a `finalize` hook that escapes each expression for the format (`md_text`, `dot_text`). A template
marks text it builds itself as safe only through the `link` filter (Markdown) or Markup (HTML).
"""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from wfikb.escape import printable
from wfikb.reports.model import Report
from wfikb.reports.words import JARGON

FORMATS = ("md", "html", "dot")
TEMPLATE = {"md": "report.md.j2", "html": "report.html.j2", "dot": "report.dot.j2"}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|!{}~])")


def md_text(value) -> str:
    """Text for Markdown: controls made visible, `& < >` as entities, Markdown's markup characters
    backslash-escaped, so no string can open a tag, a link, an image or emphasis."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", printable(value, markup=True))


def dot_text(value) -> str:
    """Text inside a double-quoted dot string: backslash and quote escaped, `& < >` as entities
    (Graphviz reads entities in labels), controls made visible."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    s = printable(value, markup=True)
    return s.replace("\\", "\\\\").replace('"', '\\"')


def _visible(value):
    """HTML: controls and bidirectional overrides shown as visible escapes (autoescape does the rest)."""
    return value if isinstance(value, Markup) or not isinstance(value, str) else printable(value)


def _md_link(span) -> Markup:
    """A citation run in Markdown: linked when it has an address."""
    text = md_text(span.text)
    return Markup(f"[{text}]({span.url})" if span.url else text)


def environment(fmt: str, templates: str | Path | None = None) -> jinja2.Environment:
    loaders = [jinja2.PackageLoader("wfikb.reports", "templates")]
    if templates:
        loaders.insert(0, jinja2.FileSystemLoader(str(templates)))
    kw = dict(loader=jinja2.ChoiceLoader(loaders), trim_blocks=True, lstrip_blocks=True,
              keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    if fmt == "html":
        env = jinja2.Environment(autoescape=True, finalize=_visible, **kw)
    else:
        env = jinja2.Environment(autoescape=False, finalize=md_text if fmt == "md" else dot_text, **kw)
        env.filters["link"] = _md_link
    env.filters["long_date"] = lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    env.globals["jargon"] = JARGON
    return env


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def render(reports: list[Report], fmt: str, templates: str | Path | None = None) -> str:
    """One document for the reports (one report per scenario, in order)."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    env = environment(fmt, templates)
    title = (f"Work-focused interview report: {reports[0].title or reports[0].id}" if len(reports) == 1
             else f"Work-focused interview reports ({len(reports)} scenarios)")
    return env.get_template(TEMPLATE[fmt]).render(reports=reports, title=title, several=len(reports) > 1)
