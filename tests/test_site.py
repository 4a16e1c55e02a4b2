"""`wfikb docs`: the static site of the policy (docs/site.md)."""
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from wfikb.loader import Policy, source
from wfikb.loader.load import with_core_checks
from wfikb.reports import jargon, site

from conftest import FIXTURES, ROOT, TOY_POLICY, wfikb


class Page(HTMLParser):
    """The links, ids, scripts and raw tags of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs, self.ids, self.tags, self.text = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "href" in a:
            self.hrefs.append(a["href"])
        if "id" in a:
            self.ids.add(a["id"])

    def handle_data(self, data):
        self.text.append(data)


HREF = re.compile(r'<(\w+)\b([^>]*)>')
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def links_and_ids(path: Path) -> tuple[list[str], set[str], list[tuple[str, dict]]]:
    """A page's hrefs, ids and tags (attributes unescaped): the quick reading the link check needs."""
    import html
    hrefs, ids, tags = [], set(), []
    for tag, rest in HREF.findall(path.read_text(encoding="utf-8")):
        attrs = {k: html.unescape(v) for k, v in ATTR.findall(rest)}
        tags.append((tag, attrs))
        if "href" in attrs:
            hrefs.append(attrs["href"])
        if "id" in attrs:
            ids.add(attrs["id"])
    return hrefs, ids, tags


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def build(tmp: Path, roots, scenarios, engine=None, templates=None) -> Path:
    files = with_core_checks(source.read_roots(roots))
    policy = engine.policy if engine else Policy.load(roots)
    data = site.build(policy, files, [str(s) for s in scenarios], engine)
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / "site"
    site.write(site.render(data, templates), out)
    return out


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, engine):
    # The whole policy; the Universal Credit third of the scenario corpus keeps the test quick
    # (`wfikb docs` reads all of scenarios/ by default).
    return build(tmp_path_factory.mktemp("docs"), [ROOT / "policy"], [ROOT / "scenarios" / "uc"], engine)


def test_the_site_has_a_page_for_every_rule_and_parameter(shipped, engine):
    policy = engine.policy
    rules = {p.stem for p in (shipped / "rules").glob("*.html")}
    assert rules == set(policy.rules)
    names = {c.head[2][0] for c in policy.by_head[("param", 4)]}
    assert len(list((shipped / "parameters").glob("*.html"))) == len(names) > 100
    index = parse(shipped / "index.html")
    assert {f"rules/{r}.html" for r in policy.rules} <= set(index.hrefs)
    # reader texts show the slots an explanation fills as words, never as {A} or {E:money}
    slots = 0
    for page in (shipped / "rules").glob("*.html"):
        reader = re.search(r'<p class="reader">(.*?)</p>', page.read_text(encoding="utf-8"), re.S).group(1)
        assert not re.search(r"\{\w+(:\w+)?\}", reader), page.name
        slots += reader.count('class="slot"')
    assert slots > 100
    # each file of policy/ is listed under its folder, with its heading
    text = " ".join(index.text)
    assert "policy/uc/parameters.lp" in text
    assert "Universal Credit: named, dated thresholds of the work-related requirement groups." in text


def section(html: str, title: str) -> str:
    """The <dd> that follows <dt>title</dt> on a rule page."""
    return html.split(f"<dt>{title}</dt>", 1)[1].split("</dd>", 1)[0]


def test_a_rule_page_shows_provision_links_window_dependencies_and_scenarios(shipped):
    html = (shipped / "rules" / "uc.s20.work_focused_interview_only.html").read_text(encoding="utf-8")
    assert "work-focused interview requirement only group" in html
    assert 'href="https://www.legislation.gov.uk/ukpga/2012/5/section/20"' in section(html, "Provision")
    assert "Links open the current version" in section(html, "Provision")
    # what it uses and what uses it, from the parsed bodies, both ways round
    assert 'href="uc.s20_2.wfi_requirement.html"' in section(html, "Rules that use it")
    assert 'href="uc.s20_2.wfi_requirement.html"' not in section(html, "Rules it uses")
    used = (shipped / "rules" / "uc.s20_2.wfi_requirement.html").read_text(encoding="utf-8")
    uses = section(used, "Rules it uses")
    assert 'href="uc.s20.work_focused_interview_only.html"' in uses
    # only the rules that can derive what the body reads: regime(S, work_focused_interview), not s.22's
    assert 'href="uc.s22.all_work_related_requirements.html"' not in uses
    # the scenarios that fire it, as `wfikb test --coverage` counts firings
    fired = section(html, "Scenarios that fire it")
    assert "<code>uc/uc-case01-child-aged-2-on-2017-04-02.toml</code>" in fired
    assert "uc-case04-child-aged-4-on-2017-04-03.toml" not in fired     # all requirements: s.22, not s.20
    # a rule with an in-force window links the provision as in force on its first day, and says so
    windowed = (shipped / "rules" / "uc.reg91a.child_aged_3_or_4.html").read_text(encoding="utf-8")
    assert "/uksi/2013/376/regulation/91A/2014-04-28" in section(windowed, "Provision")
    assert "as in force on 2014-04-28" in section(windowed, "Provision")
    # ... and one still in force links the current text, which it encodes
    current = (shipped / "rules" / "uc.s20_1_a.child_aged_1.html").read_text(encoding="utf-8")
    assert "<dd>2017-04-03 to now" in section(current, "In force")
    assert 'href="https://www.legislation.gov.uk/ukpga/2012/5/section/20"' in section(current, "Provision")
    assert "this rule is still in force" in section(current, "Provision")
    # a parameter page: every dated value, its citation linked as in force on the value's first day
    prm = (shipped / "parameters" / "uc_wfi_only_prescribed_age.html").read_text(encoding="utf-8")
    assert '<td class="date">2013-04-29</td><td class="date">2014-04-27</td>' in prm
    assert '<td class="date">2014-04-28</td><td class="date">2017-04-02</td>' in prm
    assert "/uksi/2013/376/regulation/91/2014-04-28" in prm


def test_every_internal_link_resolves_and_nothing_loads_from_the_network(shipped):
    pages = sorted(shipped.rglob("*.html"))
    assert len(pages) > 600
    read = {p: links_and_ids(p) for p in pages}
    for p, (hrefs, _, tags) in read.items():
        for href in hrefs:
            url = urlsplit(href)
            if url.scheme:
                assert url.scheme == "https" and url.netloc == "www.legislation.gov.uk", (p, href)
                continue
            target = (p.parent / url.path).resolve() if url.path else p
            assert target.is_file(), (p.relative_to(shipped), href)
            if url.fragment and target.suffix == ".html":
                assert url.fragment in read[target][1], (p.relative_to(shipped), href)
        for tag, attrs in tags:
            assert "src" not in attrs and tag not in ("link", "iframe", "img"), (p, tag, attrs)
    css = (shipped / "index.html").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_the_search_index_holds_every_rule_parameter_and_term(shipped, engine):
    index = json.loads((shipped / "search-index.json").read_text(encoding="utf-8"))
    ids = {(i["kind"], i["id"]) for i in index}
    assert {("rule", r) for r in engine.policy.rules} <= ids
    assert {("term", t) for t in jargon.JARGON} <= ids
    for item in index:
        assert (shipped / urlsplit(item["url"]).path).is_file(), item
    # the search page carries the same index inline, so it works from file:// with no request
    page = (shipped / "search.html").read_text(encoding="utf-8")
    inline = re.search(r'<script type="application/json" id="index">(.*?)</script>', page, re.S).group(1)
    assert json.loads(inline) == index


def test_jargon_is_explained_where_a_page_first_uses_it(shipped):
    page = (shipped / "rules" / "esa2008.reg63.reduction_scheme.html").read_text(encoding="utf-8")
    first = page.index('href="../glossary.html#term-esa"')
    assert "(Employment and Support Allowance)" in page[first:first + 400]
    assert page.count('href="../glossary.html#term-esa"') == 1       # once per page
    glossary = parse(shipped / "glossary.html")
    assert {"term-wrag", "term-lcwra", "term-aet", "term-wfi"} <= glossary.ids


PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&amp;'


def test_text_from_the_policy_and_scenarios_is_escaped_everywhere(tmp_path):
    policy = tmp_path / "policy"
    shutil.copytree(TOY_POLICY, policy)
    (policy / "evil.lp").write_text(
        f"%% Evil heading {PAYLOAD}\n%% more {PAYLOAD}\n\n"
        f"% @rule evil.rule\n% @cite Toy Act s.9 {PAYLOAD}; WRA 2012 s.20 {PAYLOAD}\n% @text Evil {PAYLOAD} text.\n"
        f"% @pred evil/1 evil {PAYLOAD}\n"
        "evil(S) :- scenario(S), lone_parent(S).\n\n"
        f"% @rule evil.param\n% @cite Toy Act s.10 {PAYLOAD}\n% @text A parameter {PAYLOAD}.\n"
        "param(evil_param, \"<script>alert(3)</script>\", 20000101, 99991231).\n"
        "param(\"<script>alert(4)</script>\", 1, 20000101, 99991231).\n", encoding="utf-8")
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    toy = (FIXTURES / "scenarios" / "toy-lone-parent.toml").read_text(encoding="utf-8")
    toy = re.sub(r'(?m)^title\s*=.*$', "", toy)
    (scenarios / "evil.toml").write_text(f"title = {json.dumps(PAYLOAD)}\n" + toy, encoding="utf-8")
    out = build(tmp_path, [policy], [scenarios])
    pages = list(out.rglob("*.html"))
    for p in pages:
        html = p.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img" not in html and "alert(3)</script>" not in html, p
        assert "alert(4)</script>" not in html, p
        assert len(re.findall(r"<script\b", html)) == (2 if p.name == "search.html" else 0), p
    rule = (out / "rules" / "evil.rule.html").read_text(encoding="utf-8")
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;" in rule
    assert "https://www.legislation.gov.uk/ukpga/2012/5/section/20" in rule        # still linked
    assert "&lt;script&gt;alert(1)" in (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(3)" in (out / "parameters" / "evil_param.html").read_text(encoding="utf-8")
    named = [p for p in (out / "parameters").iterdir() if "alert" in p.name]
    assert len(named) == 1 and re.fullmatch(r"[a-z0-9_.-]+\.html", named[0].name)     # a safe file name
    assert "&lt;script&gt;alert(4)" in named[0].read_text(encoding="utf-8")
    assert "&lt;img src=x" in rule    # the scenario's title, listed as firing the rule
    search = (out / "search.html").read_text(encoding="utf-8")
    assert "\\u003cscript\\u003ealert(1)" in search


def test_the_same_policy_gives_the_same_bytes_and_templates_can_be_replaced(tmp_path):
    scen = FIXTURES / "scenarios"
    a = build(tmp_path / "a", [TOY_POLICY], [scen])
    b = build(tmp_path / "b", [TOY_POLICY], [scen])
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "rule.html").write_text("RULE {{ rule.id }} {{ rule.text }}\n", encoding="utf-8")
    c = build(tmp_path / "c", [TOY_POLICY], [scen], templates=mine)
    assert (c / "rules" / "toy.status.mandatory.html").read_text() == "RULE toy.status.mandatory {A} is mandatory.\n"
    assert (c / "index.html").read_bytes() == (a / "index.html").read_bytes()    # the others stay shipped


def test_bad_output_folder_is_one_line_exit_2_and_nothing_written(tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    for bad, says in ((busy, "expected a new or empty folder"), (afile, "expected a folder"),
                      (tmp_path / "no" / "such" / "site", "expected an existing parent folder")):
        r = wfikb("docs", "-o", bad, "--policy", TOY_POLICY, "--scenarios", FIXTURES / "scenarios")
        assert r.code == 2 and r.out == "", r.err
        assert r.err.count("\n") == 1 and says in r.err and str(bad) in r.err, r.err
    assert [p.name for p in busy.iterdir()] == ["notes.txt"] and afile.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "file.txt"]     # no temporary left


def test_the_command_writes_the_site_and_replaces_its_own_earlier_one(tmp_path):
    out = tmp_path / "site"
    for _ in range(2):
        r = wfikb("docs", "-o", out, "--policy", TOY_POLICY, "--scenarios", FIXTURES / "scenarios")
        assert r.code == 0, r.err
        assert r.out.startswith(f"wrote ") and "rules" in r.out
    assert (out / "rules" / "toy.young_child.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failure_while_writing_leaves_the_earlier_site_untouched(tmp_path, monkeypatch):
    out = tmp_path / "site"
    site.write({"index.html": "old\n", site.MARKER: "x\n"}, out)

    def broken(*a, **kw):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(Path, "write_text", broken)
    with pytest.raises(Exception) as e:
        site.write({"index.html": "new\n", "rules/a.html": "a\n"}, out)
    monkeypatch.undo()
    assert "No space left on device" in str(e.value)
    assert (out / "index.html").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_where_no_folder_can_be_made_is_one_line_exit_2():
    # /proc passes os.access for root, yet mkdir there fails: the error must still be one line
    r = wfikb("docs", "-o", "/proc/wfikb-site", "--policy", TOY_POLICY, "--scenarios", FIXTURES / "scenarios")
    assert r.code == 2 and r.out == "", r.err
    assert r.err.count("\n") == 1 and "/proc/wfikb-site: -o: cannot write" in r.err, r.err
