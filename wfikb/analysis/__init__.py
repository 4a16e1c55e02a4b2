"""Analyses for policy analysts over a corpus of scenarios (docs/analysts.md).

- `edits`: an overlay as a list of edits, each addressable by id (`wfikb overlay show`);
- `diff`: a corpus evaluated under two versions of the law (an overlay, or two dates);
- `attribution`: the smallest set of an overlay's edits behind each changed scenario;
- `gate`: the directional check (no new / no lost requirements) over a corpus.

The exhaustive analyses over the bounded circumstance space live beside these (`space`,
`exhaustive`, `whatif`) when installed.
"""
