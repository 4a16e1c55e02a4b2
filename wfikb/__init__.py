"""wfikb: UK work-focused-interview rules as clingo policy, explained from the solver's derivation.

Data flows one way:
scenario file -> `scenario` (validated) -> `facts` (clingo symbols) -> `engine` (one clingo
control per batch, policy from `loader`) -> `model` (what holds, typed outputs) ->
`explanation` (derivation trees, why-not) -> `result` (contract JSON) -> `render` (text,
Markdown, JSON).
"""
__version__ = "0.1.0"
