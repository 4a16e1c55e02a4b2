"""Every rule's reader text (`% @text`) is plain English: no raw identifiers (issue 17).

Checked twice: on the texts as written (snake_case tokens, predicate names and enum values that are
not ordinary words, code in backticks, bare variable names such as `S`, placeholders nothing fills)
and on the texts as the explanations show them for every scenario of the corpus, with `{A}`-style
placeholders filled in (a filled value must not be an identifier either).
"""
import re

import pytest

from wfikb import testing, vocabulary as voc
from wfikb.loader import Policy
from wfikb.reports import jargon
from wfikb.terms import instantiate

from conftest import ROOT

SNAKE = re.compile(r"(?<![\w/.{-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w}])")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
WORD = re.compile(r"(?<![\w{`'-])[A-Za-z][A-Za-z0-9]*(?![\w}`-])")
BACKTICKS = re.compile(r"`[^`]*`")
# Identifiers of the policy and the vocabulary that are also ordinary English words: a text may use
# them as words. Any other identifier in a text ("wrag", "lcwra", "jsa", "p") is a raw identifier.
ORDINARY_WORDS = {
    "activities", "appeal", "apprentice", "asked", "benefit", "born", "capability", "childcare", "children",
    "conclude", "couple", "date", "deferred", "foster", "funeral", "illness", "journal", "kinship", "letter",
    "missed", "nation", "none", "notified", "other", "phone", "receives", "regime", "status", "student",
    "text", "title", "waived", "window", "child", "pregnant", "carer", "partner", "claimant", "age",
    "earnings", "hours", "programme", "interview", "disabled", "sanction", "evidence", "homeless",
}


@pytest.fixture(scope="module")
def policy():
    return Policy.load()


def identifiers(policy) -> set[str]:
    """Every name a rule text could leak: predicates, vocabulary keys and enum values, parameter names."""
    names = {n for n, _ in policy.by_head} | {n for n, _ in policy.pred_texts}
    names |= {n for n, _ in voc.input_predicates()}
    for section in (voc.TOP, voc.CLAIMANT, voc.CHILD, voc.ASK):
        for f in section:
            names.add(f.key)
            names.update(f.values or ())
    for c in policy.by_head.get(("param", 4), []):
        names.add(c.head[2][0][1] if c.head[2][0][0] == "f" else "")
    return names - {""}


def raw_identifiers(text: str, ids: set[str], variables: set[str] = frozenset()) -> list[str]:
    """The raw identifiers in `text` (placeholders taken out first; check them separately)."""
    found = BACKTICKS.findall(text)
    plain = PLACEHOLDER.sub(" ", BACKTICKS.sub(" ", text))
    found += SNAKE.findall(plain)
    for m in WORD.finditer(plain):
        w = m.group(0)
        if w in ids and "_" not in w and w not in ORDINARY_WORDS:
            found.append(w)
        elif w in variables or w == "S":
            # "A" and "I" as English words: an article before a lower-case word, or the pronoun.
            after = plain[m.end():m.end() + 2]
            if w in ("A", "I") and re.match(r" [A-Za-z]", after):
                continue
            found.append(w)
    return found


def unfilled(rule) -> list[str]:
    """Placeholders the explanations leave as written: a rule made only of facts (a parameter, a
    commencement window, a definition) has no variables to fill them with. (A rule without clauses
    is a constraint of policy/core/consistency.lp: the engine fills its text with its variables.)"""
    if not rule.clauses or not all(c.is_fact for c in rule.clauses):
        return []
    return PLACEHOLDER.findall(rule.text)


def test_the_checker_finds_each_kind_of_raw_identifier(policy):
    ids = identifiers(policy)
    assert raw_identifiers("A partner in the wrag with esa_income_related.", ids) == ["esa_income_related", "wrag"]
    assert raw_identifiers("The scenario S holds for child C.", ids, {"S", "C"}) == ["S", "C"]
    assert raw_identifiers("Then A.", ids, {"A"}) == ["A"]
    assert raw_identifiers("A parameter ({V}) fixed by law.", ids) == []
    assert raw_identifiers("A claimant aged {A} born on a date (`born`).", ids, {"A"}) == ["`born`"]
    assert raw_identifiers("A child aged {A} is a child under 16; I agree.", ids, {"A"}) == []


def test_a_placeholder_nothing_fills_is_found():
    small = Policy.from_files([("p/a.lp", "% @rule a.param\n% @cite X s.1\n% @text The limit is {L}.\n"
                                          "param(limit, 3, 20000101, 99991231).\n\n"
                                          "% @rule a.rule\n% @cite X s.2\n% @text Child {C} counts.\n"
                                          "counts(S, C) :- child(S, C).\n")])
    assert unfilled(small.rules["a.param"]) == ["{L}"]
    assert unfilled(small.rules["a.rule"]) == []


def test_every_rule_text_is_free_of_raw_identifiers(policy):
    ids = identifiers(policy)
    bad = []
    for rule in list(policy.rules.values()) + list(policy.disabled.values()):
        variables = {v for c in rule.clauses for v in c.variables}
        found = raw_identifiers(rule.text, ids, variables) + unfilled(rule)
        if found:
            bad.append(f"{rule.file}:{rule.line} {rule.id}: {found}: {rule.text}")
    assert not bad, "\n".join(bad)


def test_every_rule_text_as_explained_for_the_corpus_has_no_raw_identifier(engine):
    """Each fired rule instance of every scenario, as the explanation words it (placeholders filled)."""
    evaluations, outcomes = testing.run(engine, [str(ROOT / "scenarios")])
    assert len(evaluations) > 300 and not any(o.problems for o in outcomes)
    ids = identifiers(engine.policy)
    bad: dict[str, str] = {}
    for ev in evaluations:
        d = ev.derivation
        for c, env in ev.model.own_instances():
            if not PLACEHOLDER.search(c.rule.text) or c.rule.id in bad:
                continue
            node = d.tree(instantiate(c.head, env))
            found = raw_identifiers(node.text, ids) if node.rule == c.rule.id else []
            if found or "…" in node.text:
                bad[c.rule.id] = f"{c.rule.id} in {ev.scenario.source}: {found}: {node.text}"
    assert not bad, "\n".join(bad.values())


def test_every_jargon_term_has_a_plain_explanation_without_raw_identifiers(policy):
    ids = identifiers(policy)
    for term, (full, meaning) in jargon.JARGON.items():
        assert full and meaning.endswith("."), term
        assert not raw_identifiers(meaning, ids), term
    assert jargon.terms_in("A UC claimant in the WRAG is on ESA") == ["UC", "WRAG", "ESA"]
    assert jargon.terms_in("this is it") == []     # "IS" (Income Support) only as written
    assert jargon.first_uses(["UC and ESA", "ESA and the AET", "UC"]) == {0: ["UC", "ESA"], 1: ["AET"]}
