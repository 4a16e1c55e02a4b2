"""`wfikb docs`: a static site of the policy, browsable from file:// (docs/site.md).

Pages: an index by instrument (the folders and files of policy/, each file's heading), a page per
rule, a page per parameter, the scenario vocabulary, a glossary of the jargon, and a search page
whose index is inlined (no network, no external fonts or scripts). Every page is rendered by a
jinja2 template with autoescaping on, so no text from a policy or scenario can become markup.
Templates ship in wfikb/reports/templates/site/; a folder given with --templates overrides them
file by file.

The site is written to a temporary folder beside the destination and renamed into place, so a
failure leaves nothing half-written; the same policy and scenarios give the same bytes.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from markupsafe import Markup, escape

from wfikb import vocabulary as voc, vocab_docs
from wfikb.texts import PLACEHOLDER
from wfikb.atomic import temp_folder
from wfikb.errors import InputError
from wfikb.reports import jargon
from wfikb.reports.site_data import SiteData, citation_spans

SLOT_WORDS = {"money": "£…", "date": "(a date)", "hours": "… hours", "days": "… days"}
MARKER = ".wfikb-site"          # names a folder an earlier `wfikb docs` wrote (it may be replaced)
PAGES = ("index.html", "rule.html", "parameter.html", "vocabulary.html", "glossary.html", "search.html")


class Glossary:
    """Explains each jargon term where a page first uses it (one per page, fresh for each page)."""

    def __init__(self, root: str):
        self.root, self.seen = root, set()

    def __call__(self, text: str) -> Markup:
        """`text` escaped, each placeholder of a rule text ({A}, {E:money}) shown as a slot the
        explanation fills, and each jargon term explained at its first use on the page."""
        out, pos = [], 0
        for m in PLACEHOLDER.finditer(text):
            out.append(self._terms(text[pos:m.start()]))
            out.append(Markup('<span class="slot" title="filled in for each scenario">{}</span>').format(
                SLOT_WORDS.get(m.group(2) or "", "…")))
            pos = m.end()
        out.append(self._terms(text[pos:]))
        return Markup("").join(out)

    def _terms(self, text: str) -> Markup:
        out, pos = [], 0
        for m in jargon.TERM_RE.finditer(text):
            term = m.group(0)
            out.append(escape(text[pos:m.start()]))
            if term in self.seen:
                out.append(escape(term))
            else:
                self.seen.add(term)
                full, meaning = jargon.JARGON[term]
                words = f" ({full})" if full.lower() != term.lower() else ""
                out.append(Markup('<a class="term" href="{}glossary.html#{}" title="{}">{}</a>{}').format(
                    self.root, _anchor(term), meaning, term, words))
            pos = m.end()
        out.append(escape(text[pos:]))
        return Markup("").join(out)


def _anchor(term: str) -> str:
    return "term-" + "".join(ch if ch.isalnum() else "-" for ch in term.lower())


def code_spans(text: str) -> Markup:
    """Markdown-style `code` (the vocabulary's own words) as <code>, everything escaped."""
    parts = str(text).split("`")
    return Markup("").join(Markup("<code>{}</code>").format(p) if i % 2 else escape(p) for i, p in enumerate(parts))


def environment(templates: Path | None = None):
    import jinja2
    loaders = [jinja2.PackageLoader("wfikb.reports", "templates/site")]
    if templates is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(templates)))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["code"] = code_spans
    env.globals["spans"] = citation_spans
    return env


def vocabulary_sections() -> list[tuple[str, list[dict]]]:
    sections = [("Top level", voc.TOP, ""), ("[claimant]", voc.CLAIMANT, ""),
                ("Each of [claimant].children", voc.CHILD, "child_"), ("[ask]", voc.ASK, "")]
    out = []
    for title, fields, prefix in sections:
        section = "".join(ch for ch in title.lower() if ch.isalnum())
        rows = [{"key": f.key, "type": vocab_docs.KIND[f.kind], "required": f.required, "anchor": f"key-{section}-{f.key}",
                 "values": vocab_docs._values(f), "meaning": f.meaning} for f in fields]
        out.append((title, rows))
    return out


def search_index(data: SiteData) -> list[dict]:
    items = []
    for f in data.files:
        items.append({"kind": "file", "id": f.name, "title": f.heading, "text": f.about, "url": "index.html#" + _file_anchor(f.name)})
    for r in data.rules.values():
        items.append({"kind": "rule", "id": r.id, "title": r.text, "text": r.cite, "url": f"rules/{r.id}.html"})
    for p in data.parameters.values():
        items.append({"kind": "parameter", "id": p.name, "title": "parameter",
                      "text": " ".join(v.value for v in p.values), "url": f"parameters/{p.slug}.html"})
    for title, rows in vocabulary_sections():
        for row in rows:
            items.append({"kind": "vocabulary", "id": row["key"], "title": title, "text": row["meaning"],
                          "url": "vocabulary.html#" + row["anchor"]})
    for term, (full, meaning) in jargon.JARGON.items():
        items.append({"kind": "term", "id": term, "title": full, "text": meaning, "url": "glossary.html#" + _anchor(term)})
    return items


def _file_anchor(name: str) -> str:
    return "file-" + "".join(ch if ch.isalnum() else "-" for ch in name)


def render(data: SiteData, templates: Path | None = None) -> dict[str, str]:
    """Every page of the site: relative path -> text."""
    env = environment(templates)
    common = {"version": data.version, "anchor": _file_anchor,
              "param_names": {p.slug: p.name for p in data.parameters.values()}}
    out: dict[str, str] = {}

    def page(template: str, path: str, **kw):
        root = "../" * path.count("/")
        out[path] = env.get_template(template).render(root=root, gloss=Glossary(root), data=data, **common, **kw)

    page("index.html", "index.html")
    for r in data.rules.values():
        page("rule.html", f"rules/{r.id}.html", rule=r)
    for p in data.parameters.values():
        page("parameter.html", f"parameters/{p.slug}.html", param=p)
    page("vocabulary.html", "vocabulary.html", sections=vocabulary_sections())
    page("glossary.html", "glossary.html", terms=[(t, full, meaning, _anchor(t))
                                                  for t, (full, meaning) in sorted(jargon.JARGON.items())])
    index = search_index(data)
    page("search.html", "search.html", index=index)
    out["search-index.json"] = json.dumps(index, ensure_ascii=False, sort_keys=True, indent=0) + "\n"
    out[MARKER] = "Written by `wfikb docs`; `wfikb docs -o` may replace this folder.\n"
    return out


def build(policy, files: list[tuple[str, str]], scenario_paths: list[str], engine=None) -> SiteData:
    """The site's data: the policy, and which scenarios under `scenario_paths` fire each rule."""
    from wfikb import testing
    from wfikb.engine import Engine
    from wfikb.reports import site_data
    evaluations = []
    if scenario_paths:
        evaluations, outcomes = testing.run(engine or Engine(policy), list(scenario_paths))
        failed = [o for o in outcomes if o.scenario is None]
        if failed:
            raise InputError(failed[0].source, None, f"cannot read the scenario: {failed[0].problems[0]}")
    return site_data.build(policy, files, evaluations, [Path(p) for p in scenario_paths])


# ------------------------------------------------------------------ writing
def check_output(out: Path) -> None:
    """-o must be a new folder (its parent existing), an empty one, or one `wfikb docs` wrote."""
    if out.exists() and not out.is_dir():
        raise InputError(out, "-o", "expected a folder for the site, but this is a file")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise InputError(out, "-o", "expected a new or empty folder, or one an earlier `wfikb docs` wrote; "
                         "this folder has other files in it")
    parent = out.resolve().parent
    if not parent.is_dir():
        raise InputError(out, "-o", f"expected an existing parent folder; {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(out, "-o", f"cannot write in {parent}")


def write(pages: dict[str, str], out: Path) -> None:
    """Write every page into a temporary folder beside `out`, then put it in place in one rename."""
    check_output(out)
    parent = out.resolve().parent
    tmp = temp_folder(out, ".wfikb-docs-")
    try:
        for rel, text in sorted(pages.items()):
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8", newline="\n")
        os.chmod(tmp, 0o755)
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=".wfikb-docs-old-", dir=parent))
            os.rename(out, old / "site")
        try:
            os.rename(tmp, out)
        except OSError:
            if old is not None:
                os.rename(old / "site", out)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(out, "-o", f"cannot write the site: {e.strerror or e}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
