"""Analyses for policy analysts over a corpus of scenarios (docs/analysts.md).

- `edits`: an overlay as a list of edits, each addressable by id (`wfikb overlay show`);
- `diff`: a corpus evaluated under two versions of the law (an overlay, or two dates);
- `attribution`: the smallest set of an overlay's edits behind each changed scenario;
- `gate`: the directional check (no new / no lost requirements) over a corpus.

Over the bounded circumstance space (bands derived from the policy's own thresholds):
- `space`: the bands (read by `wfikb.thresholds.compared_values`) and the profiles;
- `cubes`: the space as one symbolic profile; disjoint maximal cubes covering where a target holds;
- `examples`: cells' examples written as scenario files;
- `exhaustive`: both policy versions in one clingo program, changed profiles grouped into cells
  (`wfikb diff --exhaustive`);
- `properties`: user properties (clingo constraints over outcomes) checked over the space;
- `whatif`: the smallest change of circumstances that makes a conclusion hold (`wfikb whatif`).
"""
