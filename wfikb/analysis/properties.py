"""Properties checked exhaustively: user constraints over outcomes, over the whole banded space.

A properties file holds clingo integrity constraints (`:- BODY.`), each naming the profile S in its
body, and any helper rules. Each constraint K becomes `_violation(K, S) :- BODY.` (an AST rewrite, never
pasted text), so one grounding over the space finds every violating profile; the solver counts them.
A `% @property NAME` line names the constraint(s) below it. Result: PASS, or FAIL with a witness
scenario (contract section-1 shape) per failing property.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from clingo import ast
from clingo.ast import ASTType

from wfikb.analysis.exhaustive import solve_space
from wfikb.analysis.space import Space
from wfikb.errors import PolicyError

_NAME = re.compile(r"^%\s*@property\s+(\S+)", re.M)


def _rewrite(text: str, source: str) -> tuple[str, list[str]]:
    """Constraints -> `_violation(K, S)` rules; the names of the K properties."""
    names_at = [(m.start(), m.group(1)) for m in _NAME.finditer(text)]
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    out, names = [], []
    pos = ast.Position("<wfikb>", 1, 1)
    loc = ast.Location(pos, pos)

    def add(stm):
        if stm.ast_type == ASTType.Program or getattr(ASTType, "Comment", None) == stm.ast_type:
            return
        if stm.ast_type == ASTType.Rule and stm.head.ast_type == ASTType.Literal \
                and stm.head.atom.ast_type == ASTType.BooleanConstant and not stm.head.atom.value:
            if "S" not in str(stm):
                raise PolicyError(f"{source}: line {stm.location.begin.line}: expected a constraint naming the profile S")
            offset = line_starts[stm.location.begin.line - 1]
            name = next((n for at, n in reversed(names_at) if at < offset), f"property_{len(names) + 1}")
            k = len(names)
            names.append(name)
            head = ast.Literal(loc, 0, ast.SymbolicAtom(ast.Function(loc, "_violation", [
                ast.SymbolicTerm(loc, __import__("clingo").Number(k)), ast.Variable(loc, "S")], 0)))
            out.append(str(stm.update(head=head)))
        elif stm.ast_type == ASTType.Rule:
            out.append(str(stm))
        else:
            raise PolicyError(f"{source}: line {stm.location.begin.line}: expected rules and constraints only")
    try:
        ast.parse_string(text, add)
    except RuntimeError:
        raise PolicyError(f"{source}: not valid clingo syntax") from None
    return "\n".join(out) + "\n", names


def check(policy, properties: str | Path, on: dt.date | None = None, between=None, where=None, keys=None, max_children=2) -> dict:
    """Check a properties file over the space. Returns {"result": "PASS"|"FAIL", "profiles": N,
    "properties": [{"name", "result", "violations", "witness"}]}."""
    path = Path(properties)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PolicyError(f"{path}: cannot read the properties file ({e.__class__.__name__})") from None
    rules, names = _rewrite(text, str(path))
    space = Space.build([policy], on=on or dt.date.today(), between=between, where=where, keys=keys, max_children=max_children)
    extra = rules + ("_profiles(N) :- N = #count { S : _prof(S) }.\n"
                     "_nviol(K, N) :- _violation(K, _), N = #count { S : _violation(K, S) }.\n"
                     "_witness(K, S) :- _violation(K, S), S = #min { T : _violation(K, T) }.\n"
                     "#show _profiles/1. #show _nviol/2. #show _witness/2.\n")
    atoms = solve_space(space, policy.plain_program_text, None, extra)
    count = {a.arguments[0].number: a.arguments[1].number for a in atoms if a.name == "_nviol"}
    witness = {a.arguments[0].number: a.arguments[1].number for a in atoms if a.name == "_witness"}
    profiles = next((a.arguments[0].number for a in atoms if a.name == "_profiles"), 0)
    props: dict[str, dict] = {}
    for k, name in enumerate(names):        # constraints sharing a name are one property
        w = witness.get(k)
        p = props.setdefault(name, {"name": name, "result": "PASS", "violations": 0, "witness": None})
        p["violations"] += count.get(k, 0)
        if w is not None and p["witness"] is None:
            p["result"], p["witness"] = "FAIL", space.scenario_dict(w)
    props = list(props.values())
    return {"result": "FAIL" if witness else "PASS", "profiles": profiles, "properties": props,
            "space": {"where": space.where, "keys": list(space.keys), "dates": [d.isoformat() for d in space.days]}}
