"""Explanation reports (issue 17): every scenario of the corpus in every format, plain English,
decisive marks that agree with re-solving, scenario text escaped, and the CLI."""
from __future__ import annotations

import glob
import re
import statistics

import pytest
from click.testing import CliRunner

from wfikb.analysis.sensitivity import circumstances, outcome, _Bands
from wfikb.cli import cli
from wfikb.engine import Engine
from wfikb.reports.make import reports
from wfikb.reports.render import render
from wfikb.reports.words import JARGON
from wfikb.scenario import from_dict, load

EXAMPLE = "scenarios/examples/wrag-appellant-new-joiners.toml"
UC_CHILD = "scenarios/examples/timeline-uc-lone-parent-child-turns-1-2-3.toml"
CORPUS = sorted(glob.glob("scenarios/**/*.toml", recursive=True))

# What a reader must never see in sections 1-5: identifiers, placeholders, the scenario variable.
RAW = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|[{}]|\bS\b|\([A-Z]\)|\b[a-z_]+/\d\b")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u201c(])")


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.fixture(scope="module")
def corpus(engine):
    """One report per scenario of the corpus, built in one stream of batches."""
    return reports(engine, [load(p) for p in CORPUS])


def sentences(report) -> list[str]:
    out = []
    for s in report.section_sentences():
        out += [x for x in SENTENCE_END.split(s) if x.strip()]
    return out


# ------------------------------------------------------------------ the corpus, every format
@pytest.mark.slow
def test_every_scenario_renders_in_every_format(corpus):
    assert len(corpus) == len(CORPUS) > 300
    md, html, dot = (render(corpus, f) for f in ("md", "html", "dot"))
    for r in corpus:
        assert r.answers and r.circumstances and r.derivation, r.id
        assert f"Scenario {r.id}" in md and f"<code>{r.id}</code>" in html
    for n in range(1, 7):
        assert html.count(f'-s{n}">{n}. ') == len(corpus)
    assert html.count('<details class="derivation">') == len(corpus)
    assert dot.startswith('digraph "wfikb" {') and dot.rstrip().endswith("}")
    assert dot.count("subgraph ") == len(corpus)
    # each node of a derivation once in its graph
    for r in corpus:
        ids = [n[0] for n in r.graph.nodes]
        assert len(ids) == len(set(ids)) and dot.count(f'"r{corpus.index(r) + 1}_{ids[0]}" [label=') == 1
        assert {x for e in r.graph.edges for x in e} <= set(ids) and set(r.graph.roots) <= set(ids)


def test_one_report_per_file_in_order(engine):
    rs = reports(engine, [load(UC_CHILD), load(EXAMPLE)])
    md = render(rs, "md")
    assert [r.id for r in rs] == ["timeline-uc-lone-parent-child-turns-1-2-3", "wrag-appellant-new-joiners"]
    assert md.index("turns-1-2-3") < md.index("wrag-appellant-new-joiners")
    assert md.startswith("# Work-focused interview reports (2 scenarios)")


# ------------------------------------------------------------------ what the example says
def test_example_report_sections(engine):
    [r] = reports(engine, [load(EXAMPLE)])
    answer = {a.activity: a for a in r.answers}
    assert answer["new_joiners_wfi"].sentences == [
        "You can be required to attend the New Joiners work-focused interview.",
        "If you miss it without a good reason, your benefit can be reduced."]
    assert answer["work_programme"].status == "not_permitted"
    assert answer["group_information_session"].sentences[-1] == "There is no sanction if you do not."
    cites = "".join(s.text for x in answer["new_joiners_wfi"].reasons for s in x.cite)
    assert "reg 54(1)" in cites
    links = [s.url for x in answer["new_joiners_wfi"].reasons for s in x.cite if s.url]
    assert "https://www.legislation.gov.uk/uksi/2008/794/regulation/54/2013-09-02" in links
    marks = {c.key: c.decisive for c in r.circumstances}
    assert marks == {"claimant.born": True, "claimant.benefit": False, "claimant.esa_group": True,
                     "claimant.appeal": True}
    born = next(c for c in r.circumstances if c.key == "claimant.born")
    assert born.change == ("If you were aged 66 (born on 2 September 1947), the New Joiners work-focused "
                           "interview could be offered but not required.")
    appeal = next(c for c in r.circumstances if c.key == "claimant.appeal")
    assert appeal.change.endswith("you could be required to take part in the Work Programme.")
    assert any("Work Programme" in c.question for c in r.contrasts)
    assert any("ask to rearrange" in s for s in r.advice)
    # the derivation: a shared step is given once, then referred back to
    refs = []

    def walk(step):
        if step.ref:
            refs.append(step.ref)
        for c in step.children:
            walk(c)
    for _, s in r.derivation:
        walk(s)
    assert refs and all(isinstance(n, int) for n in refs)


def test_uc_report_names_the_value_that_changes_it_and_the_dates(engine):
    [r] = reports(engine, [load(UC_CHILD)])
    assert r.regime_sentences[0] == "On Universal Credit, you are in the no work-related requirements group."
    born = next(c for c in r.circumstances if c.key == "claimant.children[1].born")
    assert born.decisive
    assert born.change == ("If child 1 were aged 1 (born on 1 September 2018), you would be in the "
                           "work-focused interview group.")
    assert [d.isoformat() for d, _ in r.soon] == ["2019-09-15", "2020-09-15"]
    assert r.soon[0][1] == "From 15 September 2019, you will be in the work-focused interview group."
    assert r.contrasts[0].question == "Why are you not in the work-focused interview group?"
    assert any("aged 1" in s for s in r.contrasts[0].sentences)


# ------------------------------------------------------------------ decisive marks agree with re-solving
def test_decisive_marks_agree_with_resolving(engine):
    """Every mark of a sample of the corpus is checked against the changed scenarios solved again
    through the engine's public batch API (`evaluate_each`, one batch per circumstance, not the
    report's batches): decisive iff some single change moves the regime, a status or a sanction risk."""
    sample = [EXAMPLE, UC_CHILD] + CORPUS[::30]
    scs = [load(p) for p in sample]
    built = reports(engine, scs)
    bands = _Bands(engine.policy)
    checked = decisive = 0
    for sc, r in zip(scs, built):
        base = outcome(engine.evaluate(sc))
        marks = {c.key: c.decisive for c in r.circumstances}
        for c in circumstances(sc, bands):
            solved = engine.evaluate_each([a.scenario for a in c.alternatives])
            moved = any(not isinstance(ev, Exception) and outcome(ev) != base for ev in solved)
            assert marks[c.key] == moved, (sc.id, c.key)
            checked += 1
            decisive += moved
    assert checked > 30 and 0 < decisive < checked


def test_decisive_change_sentence_holds_when_solved(engine):
    """The value a decisive line names really gives the outcome it says (UC child turning 1)."""
    sc = load(UC_CHILD)
    raw = dict(sc.raw)
    raw["claimant"] = {**raw["claimant"], "children": [{"born": "2018-09-01"}]}
    raw.pop("expect")
    assert engine.evaluate(from_dict(raw)).model.regime() == "work_focused_interview"


# ------------------------------------------------------------------ plain English
@pytest.mark.slow
def test_report_sentences_have_no_raw_identifiers(corpus):
    found = {}
    for r in corpus:
        for s in sentences(r):
            for m in RAW.findall(s):
                found.setdefault(m, (r.id, s))
    assert not found, list(found.items())[:5]


@pytest.mark.slow
def test_average_sentence_length_at_most_20_words(corpus):
    worst = max(corpus, key=lambda r: statistics.mean(len(s.split()) for s in sentences(r)))
    assert statistics.mean(len(s.split()) for s in sentences(worst)) <= 20, worst.id


@pytest.mark.slow
def test_jargon_explained_on_first_use(corpus):
    seen_any = set()
    for r in corpus:
        text = " ".join(r.section_sentences())
        for term, meaning in JARGON.items():
            m = re.search(rf"\b{term}s?\b", text)
            if m is None:
                continue
            seen_any.add(term)
            before = text[max(0, m.start() - len(meaning) - 2):m.start()]
            assert before == f"{meaning} (", (r.id, term, text[max(0, m.start() - 80):m.end()])
    assert {"ESA", "JSA"} <= seen_any


# ------------------------------------------------------------------ scenario text is escaped
PAYLOADS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "[click](javascript:alert(1))",
            '"]; evil [label="pwned', "**bold** _em_ `code` # heading | cell", "line\nbreak\u202eevil"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_scenario_strings_are_escaped_in_every_format(engine, tmp_path, payload):
    # the title is the scenario format's one free text; the file name reaches errors only
    raw = {"id": "payload-test", "title": payload, "date": "2013-09-02",
           "claimant": {"benefit": "esa_income_related", "esa_group": "wrag"},
           "ask": {"activities": ["wfi"]}}
    rs = reports(engine, [from_dict(raw)])
    html, md, dot = (render(rs, f) for f in ("html", "md", "dot"))
    assert "<script" not in html and "<img" not in html and 'label="pwned' not in html
    assert "&lt;script&gt;" in html or "<script" not in payload
    assert "<script" not in md and "<img" not in md and not re.search(r"(?<!\\)\]\(javascript:", md)
    assert "**bold**" not in md and "`code`" not in md
    assert 'label="pwned' not in dot and "<script" not in dot
    for out in (html, md, dot):
        assert "\u202e" not in out and "line\nbreak" not in out


# ------------------------------------------------------------------ the command
def test_cli_writes_html_and_refuses_a_bad_output(tmp_path):
    out = tmp_path / "r.html"
    res = CliRunner().invoke(cli, ["report", EXAMPLE, "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<details" in html
    assert not re.search(r"<(script|link)\b|src=|@import|url\(", html)   # self-contained, no network
    res = CliRunner().invoke(cli, ["report", EXAMPLE, "-o", str(tmp_path / "no" / "r.md")])
    assert res.exit_code != 0 and "expected a file in a folder that exists" in str(res.exception)


def test_templates_dir_replaces_a_shipped_template(tmp_path):
    (tmp_path / "report.md.j2").write_text("{% for r in reports %}ID={{ r.id }} T={{ r.title }}\n{% endfor %}")
    res = CliRunner().invoke(cli, ["report", EXAMPLE, "--templates", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert res.output == ("ID=wrag-appellant-new-joiners T=WRAG claimant appealing to join the support group "
                          "is invited to a New Joiners WFI\n")
    # the other formats still come from the package
    res = CliRunner().invoke(cli, ["report", EXAMPLE, "--templates", str(tmp_path), "--format", "dot"])
    assert res.output.startswith('digraph "wfikb"')


def test_a_broken_template_is_one_line_naming_it(tmp_path):
    from wfikb.errors import WfikbError
    (tmp_path / "report.md.j2").write_text("{% for x in %}")
    res = CliRunner().invoke(cli, ["report", EXAMPLE, "--templates", str(tmp_path)])
    assert isinstance(res.exception, WfikbError)
    assert str(res.exception) == (f"{tmp_path / 'report.md.j2'}:1: template error: "
                                  "Expected an expression, got 'end of statement block'")
