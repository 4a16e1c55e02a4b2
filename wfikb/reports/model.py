"""A report as data: built from an evaluation, its re-solved circumstances and its timeline; no rendering.

Sections (issue 17): 1 the answer, 2 why (short), 3 your circumstances (decisive or not, from
`wfikb.analysis.sensitivity`), 4 why not (`wfikb.reports.contrast`), 5 what to do (the letter
the policy recommends, rearranging, who to contact, dates that change the outcome), 6 the full
derivation (each step with reasons given once, then referred back to by number). Every sentence
of sections 1-5 is plain English (`wfikb.reports.words`); abbreviations are spelled out on first use.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from clingo import Function

from wfikb import dates, render, texts
from wfikb.analysis.sensitivity import Circumstance, Outcome, Sensitivity
from wfikb.engine import Evaluation
from wfikb.explanation import Node
from wfikb.facts import scenario_facts
from wfikb.model import Regime, Status
from wfikb.reports import words
from wfikb.reports.links import Span, spans

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
BENEFIT = {"universal_credit": "Universal Credit", "esa_new_style": "new-style ESA",
           "esa_income_related": "old-style ESA", "income_support": "Income Support",
           "jsa": "JSA"}


def long_date(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


@dataclass
class Reason:
    text: str
    cite: list[Span]              # the provision, cut into linked runs


@dataclass
class Answer:
    activity: str
    title: str                    # "Work-focused interviews"
    status: str | None
    risk: bool
    sentences: list[str]
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Line:
    key: str
    text: str
    decisive: bool
    change: str | None = None     # for a decisive one: what value would change what


@dataclass
class Contrast:
    question: str                 # "Why not: work-focused interviews can be offered but not required?"
    sentences: list[str]
    cite: list[Span] = field(default_factory=list)


@dataclass
class Letter:
    title: str
    text: str
    cite: list[Span]


@dataclass
class Step:
    number: int | None            # None: a leaf (shown in full wherever it is met)
    text: str
    kind: str
    rule: str | None = None
    cite: list[Span] = field(default_factory=list)
    key: str | None = None
    children: list["Step"] = field(default_factory=list)
    ref: int | None = None        # a step already given in full: its number


@dataclass
class Report:
    id: str
    title: str
    date: dt.date
    benefit: str
    regime: str | None
    regime_sentences: list[str]
    regime_reasons: list[Reason]
    answers: list[Answer]
    circumstances: list[Line]
    contrasts: list[Contrast]
    letters: list[Letter]
    advice: list[str]
    soon: list[tuple[dt.date, str]]
    derivation: list[tuple[str, Step]]        # (conclusion in words, its derivation)
    policy: str = ""
    graph: "Graph | None" = None

    def section_sentences(self) -> list[str]:
        """Every sentence of sections 1-5, in order (what the plain-English checks read)."""
        out = list(self.regime_sentences) + [r.text for r in self.regime_reasons]
        for a in self.answers:
            out += a.sentences
        for a in self.answers:
            out += [r.text for r in a.reasons]
        for c in self.circumstances:
            out += [c.text] + ([c.change] if c.change else [])
        for c in self.contrasts:
            out += [c.question] + c.sentences
        out += [x.text for x in self.letters] + self.advice + [s for _, s in self.soon]
        return out


@dataclass
class Graph:
    """The derivation as a graph: each node once (keyed by what it says), edges parent -> condition."""
    nodes: list[tuple[str, str, str, str | None, str]] = field(default_factory=list)  # id, text, kind, rule, cite
    edges: list[tuple[str, str]] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)

    def add(self, node: Node, ids: dict) -> str:
        if node.ident in ids:
            return ids[node.ident]
        ident = ids[node.ident] = f"n{len(ids) + 1}"
        self.nodes.append((ident, words.sentence(words.plain(node.text)), node.kind, node.rule, node.citation or ""))
        for c in node.children:
            child = self.add(c, ids)
            if (ident, child) not in self.edges:
                self.edges.append((ident, child))
        return ident

# ------------------------------------------------------------------ building
def build(ev: Evaluation, sens: Sensitivity, soon: list[tuple[dt.date, Outcome]] = (),
          contrasts: list[Contrast] | None = None) -> Report:
    from wfikb.reports import contrast as contrast_mod
    sc, m, d = ev.scenario, ev.model, ev.derivation
    on = sc.date
    jargon = words.Jargon()
    say = lambda t: jargon.explain(words.sentence(words.plain(t)))   # noqa: E731
    benefit = sc.claimant.get("benefit")
    regime = m.regime()
    regime_sentences, regime_reasons = [], []
    if regime:
        name, meaning = words.REGIME[regime]
        regime_sentences = [say(f"On Universal Credit, you are in {name}"), say(meaning)]
    elif benefit:
        regime_sentences = [say(f"You are treated as claiming {BENEFIT[benefit]} on {long_date(on)}")]
    answers = []
    missed = set(sc.ask.get("missed", []))
    for a in sc.activities:
        st = m.status(a)
        noun = words.ACTIVITY[a][0]
        answers.append(Answer(a, noun[0].upper() + noun[1:], st, m.sanction_risk(a),
                              [say(s) for s in words.outcome_sentences(a, st, m.sanction_risk(a), a in missed)]))
    # section 2
    if regime:
        tree = d.tree(Regime(regime).symbol(m.s))
        regime_reasons = [_reason(n, on, say) for n in _reasons(tree, 2)]
    given = {id(n) for n in _reasons(d.tree(Regime(regime).symbol(m.s)), 2)} if regime else set()
    for ans in answers:
        if ans.status:
            tree = d.tree(Status(ans.activity, ans.status).symbol(m.s))
            nodes = [n for n in _reasons(render.decisive(tree), 3) if id(n) not in given]
            given |= {id(n) for n in nodes}
            ans.reasons = [_reason(n, on, say) for n in nodes]
    # section 3
    lines = [_line(c, sens.outcome, sc, say) for c in sens.circumstances]
    # section 4
    found = contrast_mod.contrasts(ev, sens) if contrasts is None else contrasts
    for c in found:
        c.question = say(c.question)
        c.sentences = [say(s) for s in c.sentences]
    # section 5
    letters = [Letter(title, say(text), cite) for title, text, cite in _letters(ev)]
    advice = [say(s) for s in _advice(benefit, answers)]
    soon_lines = [(day, say(f"From {long_date(day)}, {text}")) for day, text in _soon(sens.outcome, soon)]
    # section 6
    numbers: dict[tuple, int] = {}
    derivation, graph, ids = [], Graph(), {}
    for sym in m.outputs(sc.activities):
        node = d.tree(sym)
        derivation.append((words.sentence(words.plain(node.text)), _step(node, numbers, on)))
        graph.roots.append(graph.add(node, ids))
    return Report(sc.id, sc.title, on, BENEFIT.get(benefit, ""), regime, regime_sentences, regime_reasons,
                  answers, lines, found, letters, advice, soon_lines, derivation, ev.policy.version, graph)


def _reasons(node: Node, limit: int) -> list[Node]:
    """The decisive provision and the derived conditions it rests on, at most `limit` in all."""
    out = [node]
    for c in node.children:
        if len(out) >= limit:
            break
        if c.kind == "derived" and c.rule and c.rule != node.rule and c.children:
            out.append(c)
    return out


def _provision(cite: str | None) -> str:
    """The provision a reason rests on: the citation's first part."""
    return (cite or "").split(";")[0].strip()


def _reason(node: Node, on: dt.date, say) -> Reason:
    return Reason(say(node.text), spans(_provision(node.citation), on) if node.citation else [])


# ------------------------------------------------------------------ circumstances
def circumstance_text(c: Circumstance, sc) -> str:
    """The circumstance as the vocabulary words it, for the reader."""
    if c.path[0] == "child" and len(c.path) == 2:
        age = dates.completed_years(c.value["born"], sc.date)
        return f"You have child {c.path[1]}, aged {age}"
    f = c.field
    value = c.value
    if f.kind == "date":
        shown = long_date(value)
        text = (f.text or f.key).replace("{v}", shown).replace("{c}", str(c.path[1]) if c.path[0] == "child" else "")
        if f.key == "born" and value <= sc.date:
            text += f" (aged {dates.completed_years(value, sc.date)})"
        return words.second_person(text)
    return words.second_person(_fact_text(sc, c))


def _fact_text(sc, c: Circumstance) -> str:
    """The reader text of the facts the circumstance emits (texts.input_text), joined."""
    key = c.key
    shown = []
    for sym in scenario_facts(0, sc):
        if sym.name in ("years_since", "months_since", "days_since", "weekday", "scenario", "today"):
            continue
        sig = (sym.name, len(sym.arguments))
        if not texts.is_input(sig):
            continue
        text, k = texts.input_text(sym)
        if k == key and text not in shown:
            shown.append(text)
    if not shown:       # a yes/no stated as no emits no fact
        return f"not: {(c.field.text or c.field.key)}" if c.field and c.field.kind == "bool" else c.key
    if c.field and c.field.kind == "enum_list":
        return (c.field.text or "").replace("{v}", " and ".join(words.ACTIVITY[v][0] for v in c.value))
    return "; ".join(shown)


def alternative_text(c: Circumstance, value, sc) -> str:
    """"if you were aged 66", "if ESA group were 'in the support group' instead", "without this"."""
    f = c.field
    if c.path[0] == "child" and len(c.path) == 2:
        return "if you did not have this child"
    if value is None:
        return "if this were not so"
    if f.kind == "bool":
        return "if this were so"
    if f.kind == "date":
        if f.key == "born":
            who = f"child {c.path[1]}" if c.path[0] == "child" else ("your partner" if f.who == "partner" else "you")
            if value > sc.date:
                return f"if {who} were born on {long_date(value)}"
            verb = "were"
            return f"if {who} {verb} aged {dates.completed_years(value, sc.date)} (born on {long_date(value)})"
        return f"if the date were {long_date(value)} instead"
    if f.key in ("benefit", "partner_benefit"):
        return f"if you received {BENEFIT[value]} instead"
    if f.kind == "enum":
        meaning = f.value_meanings.get(value, value)
        label = (f.text or f.key).split(":")[0] if ":" in (f.text or "") else f.meaning
        return f"if {words.second_person(label)} were \u201c{meaning}\u201d instead"
    if f.kind == "enum_list":
        return "if you had missed only " + " and ".join(words.ACTIVITY[v][0] for v in value)
    if f.kind == "money":
        return f"if the amount were \u00a3{value:,.2f} instead"
    if f.kind == "hours":
        return f"if it were {value:g} hours instead"
    return f"if it were {value} instead"


def _difference(base: Outcome, other: Outcome) -> str:
    if base[0] != other[0] and other[0] is not None:
        return words.change_words(None, base[0], other[0])
    for (a, s, r), (_, s2, r2) in zip(base[1], other[1]):
        if s != s2:
            return words.change_words(a, s, s2)
        if r != r2:
            return words.change_words(a, r, r2)
    if base[0] != other[0]:
        return "you would not be on Universal Credit"
    return "the outcome would change"


def _line(c: Circumstance, base: Outcome, sc, say) -> Line:
    changing = c.changing(base)
    text = say(circumstance_text(c, sc))
    if not changing:
        return Line(c.key, text, False)
    alt = changing[0]
    return Line(c.key, text, True, say(f"{alternative_text(c, alt.value, sc)}, {_difference(base, alt.outcome)}"))


# ------------------------------------------------------------------ what to do
def _letters(ev: Evaluation) -> list[tuple[str, str, list[Span]]]:
    m, d = ev.model, ev.derivation
    out = []
    for sym in sorted(m.atoms_of(("conclude", 3)), key=str):
        key, value = sym.arguments[1], sym.arguments[2]
        if key == Function("letter"):
            n = value.name.removeprefix("let_")
            title = f"Carers UK template letter {n}"
        elif key.name == "letter_limb" and key.arguments:
            n = key.arguments[0].name.removeprefix("let_")
            title = f"Carers UK template letter {n}"
        else:
            continue
        node = d.tree(sym)
        cite = spans(_provision(node.citation), ev.scenario.date)
        same = next((i for i, x in enumerate(out) if x[0] == title), None)
        if same is None:
            out.append((title, node.text, cite))
        else:       # a letter and its limb: one entry, both reasons
            out[same] = (title, f"{out[same][1].rstrip()} {node.text}", out[same][2])
    return out


def _advice(benefit: str | None, answers: list[Answer]) -> list[str]:
    out = []
    if any(a.status == "mandatory" for a in answers):
        out += ["If you cannot go to an appointment, contact the office that set it before the time, "
                "and ask to rearrange it.",
                "Give your good reason, such as illness, a funeral, childcare or a medical appointment."]
    if any(a.status in ("voluntary", "not_permitted") for a in answers):
        out.append("If you are invited to something on this list that you need not do, you can ask "
                   "whether attending is mandatory.")
    if benefit == "universal_credit":
        out.append("Contact your work coach through your online journal, or by phone.")
    else:
        out.append("Contact the Jobcentre Plus office named in your appointment letter.")
    out.append("If you think a decision is wrong, you can ask Jobcentre Plus to look at it again.")
    return out


def _soon(base: Outcome, days: list[tuple[dt.date, Outcome]]) -> list[tuple[dt.date, str]]:
    """The days on which the outcome changes, each with what changes."""
    out, last = [], base
    for day, o in days:
        if o is not None and o != last:
            out.append((day, _difference(last, o).replace("you would", "you will").replace("would", "will")
                        .replace("could", "can")))
            last = o
    return out[:4]


# ------------------------------------------------------------------ the derivation
def _step(node: Node, numbers: dict, on: dt.date) -> Step:
    cite = spans(node.citation, on) if node.citation else []
    text = words.sentence(words.plain(node.text))
    if not node.children:
        return Step(None, text, node.kind, node.rule, cite, node.key)
    if node.ident in numbers:
        return Step(None, text, node.kind, node.rule, [], node.key, ref=numbers[node.ident])
    numbers[node.ident] = len(numbers) + 1
    step = Step(numbers[node.ident], text, node.kind, node.rule, cite, node.key)
    step.children = [_step(c, numbers, on) for c in node.children]
    return step
