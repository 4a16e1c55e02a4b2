"""Docs generated from declarations stay in step with them."""
from conftest import ROOT
from wfikb.vocab_docs import markdown


def test_docs_vocabulary_is_the_generated_vocabulary():
    assert (ROOT / "docs" / "vocabulary.md").read_text() == markdown(), \
        "run: wfikb vocabulary > docs/vocabulary.md"


def test_every_vocabulary_key_is_documented():
    text = (ROOT / "docs" / "vocabulary.md").read_text()
    from wfikb import vocabulary as voc
    for f in voc.CLAIMANT + voc.CHILD + voc.ASK:
        assert f"`{f.key}`" in text


def test_docs_rules_lists_every_rule_of_the_policy_as_generated():
    from conftest import wfikb
    run = wfikb("rules", "--format", "md")
    assert run.code == 0, run.err
    assert (ROOT / "docs" / "rules.md").read_text() == run.out, "run: wfikb rules --format md > docs/rules.md"
