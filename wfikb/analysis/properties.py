"""Properties checked exhaustively: user constraints over outcomes, over the whole banded space.

A properties file holds clingo integrity constraints (`:- BODY.`), each naming the profile S in its
body, and any helper rules. Each constraint K becomes `_violation(K, S) :- BODY.` (an AST rewrite, never
pasted text), grounded once with the policy over the space as one symbolic profile (S is 0); the
violating profiles are covered by disjoint cubes (`wfikb.analysis.cubes`) and counted exactly.
A `% @property NAME` line names the constraint(s) below it. Result: PASS, or FAIL with a witness
scenario (contract section-1 shape) per failing property.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from clingo import Function, Number, ast
from clingo.ast import ASTType

from wfikb.analysis.cubes import Solver
from wfikb.analysis.exhaustive import invalid_rules
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
                ast.SymbolicTerm(loc, Number(k)), ast.Variable(loc, "S")], 0)))
            out.append(str(stm.update(head=head)))
        elif stm.ast_type == ASTType.Rule:
            out.append(str(stm))
        else:
            raise PolicyError(f"{source}: line {stm.location.begin.line}: expected rules and constraints only")
    try:
        ast.parse_string(text, add, logger=lambda *_: None)
    except RuntimeError:
        raise PolicyError(f"{source}: not valid clingo syntax") from None
    return "\n".join(out) + "\n", names


def check(policy, properties: str | Path, on: dt.date | None = None, between=None, where=None, keys=None,
          max_children=2) -> dict:
    """Check a properties file over the space (one symbolic profile, `wfikb.analysis.cubes`). Returns
    {"result": "PASS"|"FAIL", "profiles": N, "properties": [{"name", "result", "violations", "witness"}]};
    `violations` counts the violating profiles exactly (disjoint cubes), the witness is one of them."""
    path = Path(properties)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PolicyError(f"{path}: cannot read the properties file ({e.__class__.__name__})") from None
    rules, names = _rewrite(text, str(path))
    space = Space.build([policy], on=on if (on or between) else dt.date.today(), between=between, where=where, keys=keys,
                        max_children=max_children)
    try:
        solver = Solver(space, [policy.plain_program_text, rules], invalid_rules(policy))
    except RuntimeError:
        raise PolicyError(f"{path}: the properties do not ground with the policy (unsafe variables?)") from None
    props: dict[str, dict] = {}
    for k, name in enumerate(names):        # constraints sharing a name are one property
        p = props.setdefault(name, {"name": name, "result": "PASS", "violations": 0, "witness": None})
        lit = solver.literal(Function("_violation", [Number(k), Number(0)]))
        if lit is None:
            continue
        with solver.ctl.backend() as b:
            ok = b.add_atom()
            b.add_rule([ok], [-lit])
        for box, _, picks in solver.cover(lit, lambda m: None, lambda sig: ok):
            p["violations"] += solver.count(box)
            if p["witness"] is None:
                p["result"] = "FAIL"
                p["witness"] = space.scenario_dict(space.encode(picks.get(-1, 0), [picks[i] for i in range(len(space.dims))]))
                p["witness"]["id"] = "witness-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    out = list(props.values())
    return {"result": "FAIL" if any(p["result"] == "FAIL" for p in out) else "PASS", "profiles": solver.count({}),
            "properties": out,
            "space": {"where": space.where, "keys": list(space.keys), "dates": [d.isoformat() for d in space.days]}}


def text(result: dict, path) -> str:
    out = [f"{result['result']}: {path} over {result['profiles']:,} profiles "
           f"({', '.join(f'{k}={v}' for k, v in result['space']['where'].items())}; {' .. '.join(result['space']['dates'])})"]
    for p in result["properties"]:
        line = f"  {p['result']}  {p['name']}"
        if p["result"] == "FAIL":
            line += f": {p['violations']:,} profiles, e.g. {_brief(p['witness'])}"
        out.append(line)
    return "\n".join(out) + "\n"


def _brief(sc: dict) -> str:
    c = dict(sc["claimant"])
    kids = c.pop("children", [])
    parts = [f"{k}={v}" for k, v in c.items()]
    parts += [f"child born {k['born']}{' (foster)' if k.get('foster') else ''}" for k in kids]
    return ", ".join(parts)
