"""The conditions a trainer teaches: each condition of each clause of the selected rules, read from
the loader's parsed bodies, and the clingo rules that test them over the circumstance space.

A clause `H :- C1, ..., Cn.` has one teaching condition per Ci that is a circumstance test: a positive
atom about the scenario, a "no evidence that" (`not A`), a comparison that is not an assignment, or a
named in-force window. Left out: parameter look-ups (`p(S, Name, V)`), `today/2`, atoms without the
scenario variable (policy tables) and assignments (`X = expr` binding X): none can be changed by a
circumstance.

For clause k the solver derives `_tf(S, k)` (the clause fires in profile S: every condition holds) and,
for each teaching condition j, `_tw(S, k, j)`: condition j fails while the clause's other conditions
still hold (those that can be tested without j; a condition whose variables only j binds is left out
with it). A pair (A, B) teaches j when the clause fires in A, `_tw(B, k, j)` holds, A and B differ in
one circumstance, and their outcomes differ: the masking form of MC/DC (an exception counts when it
blocks the rule and the outcome changes).

The rule texts are the policy's own (loaded and checked by `wfikb.loader`), never user strings.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from wfikb import vocabulary as voc
from wfikb.errors import InputError
from wfikb.loader.policy import SCENARIO_VAR, Clause, Cmp, InForce, Neg, Pos

# Named topics (a teaching notion, not the law's): rule id patterns. Any policy folder (`uc`, `esa`,
# `income_support`, ...) and any policy file stem is a topic too.
TOPICS = {
    "uc-groups": ("uc.s19*", "uc.s20*", "uc.s21*", "uc.s22*"),
    "carers": ("*carer*", "*caring*"),
}
DATE_PREDS = ("years_since", "months_since", "days_since", "date_of", "weekday")


@dataclass(frozen=True)
class Condition:
    rule: str          # rule id
    clause: int        # clause index in the policy
    number: int        # clause number within its rule (1-based)
    index: int         # the condition's position in the clause's conditions
    source: str        # as written
    kind: str          # pos | neg | cmp | in_force | agg

    @property
    def id(self) -> str:
        return f"{self.rule}#{self.number}.{self.index}"

    @property
    def text(self) -> str:
        return self.source if self.kind != "in_force" or self.source != "in force" else "the rule is in force"


def select_rules(policy, rules: str | None = None, topic: str | None = None, file: str | None = None) -> list[str]:
    """Rule ids chosen by --rules (comma-separated ids or patterns with *), --topic or --file."""
    ids = [r for r in policy.rules if policy.rules[r].clauses and not policy.rules[r].clauses[0].is_fact]
    if rules:
        out: list[str] = []
        for pat in (p.strip() for p in rules.split(",")):
            hit = [r for r in ids if fnmatch.fnmatchcase(r, pat)] if "*" in pat else [pat] if pat in ids else []
            if not hit:
                raise InputError("--rules", None, f"no rule with conditions matches {pat!r} (see `wfikb rules`)")
            out += [r for r in hit if r not in out]
        return out
    if topic:
        pats = TOPICS.get(topic)
        if pats:
            out = [r for r in ids if any(fnmatch.fnmatchcase(r, p) for p in pats)]
        else:
            out = [r for r in ids if topic in Path(policy.rules[r].file).parts[:-1]
                   or Path(policy.rules[r].file).stem == topic]
        if not out:
            raise InputError("--topic", None, f"expected a policy folder, a policy file name or one of "
                                              f"{', '.join(TOPICS)}; {topic!r} names no rule")
        return out
    if file:
        want = Path(file).resolve().parts
        out = [r for r in ids if _same_file(Path(policy.rules[r].file).parts, want)]
        if not out:
            raise InputError(file, None, "expected a policy file (.lp) of the loaded policy with rules")
        return out
    raise InputError("generate", None, "expected one of --rules, --topic or --file")


def _same_file(rule_parts: tuple, want: tuple) -> bool:
    """policy/uc/x.lp names the same file as /any/where/policy/uc/x.lp (the loader's names are relative)."""
    tail = rule_parts[1:] if rule_parts and rule_parts[0] == "policy" else rule_parts
    return len(want) >= len(tail) and tuple(want[-len(tail):]) == tuple(tail)


def conditions(policy, rule_ids: list[str]) -> list[Condition]:
    out = []
    for rid in rule_ids:
        for c in policy.rules[rid].clauses:
            if c.is_fact:
                continue
            for i, d in enumerate(c.conds):
                if _teaches(c, d):
                    out.append(Condition(rid, c.index, c.number, i, d.source, d.kind))
    return out


def _teaches(clause: Clause, d) -> bool:
    if isinstance(d, InForce):
        return True
    if isinstance(d, Pos):
        name = d.node[1] if d.node[0] == "f" else ""
        return SCENARIO_VAR in d.variables and name not in ("p", "today")
    if isinstance(d, Cmp):
        if d.assigns and not any(d.assigns in x.variables for x in clause.conds if isinstance(x, Pos)):
            return False           # `X = expr` binding X: an assignment, not a test
        return bool(d.variables)
    return isinstance(d, Neg) and SCENARIO_VAR in d.variables


def _lit(d) -> str:
    if isinstance(d, InForce) and d.source == "in force":      # the rule's own @in_force window
        return f"_in_force(S,{d.node[0]},{d.node[1]})"
    return d.source


def _negation(d) -> str:
    if isinstance(d, InForce) and d.source == "in force":
        return f"not _in_force(S,{d.node[0]},{d.node[1]})"
    if isinstance(d, Neg):
        return d.source[len("not "):]
    return f"not {d.source}"


def program(policy, conds: list[Condition]) -> str:
    """`_tf(S, K)`, `_tw(S, K, J)` and `_bad(S)` (a profile a consistency constraint refuses)."""
    lines = []
    for k in sorted({c.clause for c in conds}):
        clause = policy.clauses[k]
        lines.append(f"_tf(S,{k}) :- scenario(S), {', '.join(_lit(d) for d in clause.conds)}.")
    for c in conds:
        clause = policy.clauses[c.clause]
        j = clause.conds[c.index]
        others, bound = _kept(clause, c.index)
        body = ["scenario(S)"] + [_lit(d) for d in others]
        free = j.variables - bound - {"_"}
        if isinstance(j, Pos) and free:
            shared = sorted(j.variables & bound)
            aux = f"_tx{c.clause}_{c.index}"
            lines.append(f"{aux}({', '.join(shared)}) :- {j.source}.")
            body.append(f"not {aux}({', '.join(shared)})")
        else:
            body.append(_negation(j))
        lines.append(f"_tw(S,{c.clause},{c.index}) :- {', '.join(body)}.")
    for text in policy.constraint_program:
        if text.startswith("#false :-"):
            lines.append("_bad(S) :-" + text[len("#false :-"):])
    return "\n".join(lines) + "\n"


def _kept(clause: Clause, j: int):
    """The clause's conditions other than j that can still be tested, and the variables they bind."""
    bound = {SCENARIO_VAR}
    rest = [d for i, d in enumerate(clause.conds) if i != j]
    kept: list = []
    changed = True
    while changed:
        changed = False
        for d in rest:
            if d in kept:
                continue
            if isinstance(d, Pos) or isinstance(d, InForce):
                kept.append(d)
                bound |= d.variables
                changed = True
            elif isinstance(d, Cmp) and d.assigns and d.variables - {d.assigns} <= bound:
                kept.append(d)
                bound.add(d.assigns)
                changed = True
            elif d.variables - {"_"} <= bound:
                kept.append(d)
                changed = True
    return [d for d in clause.conds if d in kept], bound


def keys_read(policy, rule_ids: list[str]) -> list[str]:
    """The claimant keys the selected rules read, directly or through the rules they rest on: those
    that more of the rules' conditions rest on first, then in the order they are met."""
    dates = {("partner" if f.who == "partner" else "claimant", f.date_key): f.key
             for f in voc.fields("claimant").values() if f.kind == "date"}
    by_pred = {name: ("children" if section == "child" else f.key)
               for (name, _n), (section, f) in voc.input_predicates().items() if section in ("claimant", "child")}
    heads: dict = {}
    for c in policy.clauses:
        if c.head[0] == "f":
            heads.setdefault(c.head[1], []).append(c)
    memo: dict = {}

    def atom_keys(node) -> list:
        name, args = node[1], node[2]
        if name in DATE_PREDS and len(args) >= 3:
            who = args[1][1] if args[1][0] == "f" else None
            key = args[2][1] if args[2][0] == "f" else None
            return ["children"] if who == "child" else [dates[(who, key)]] if (who, key) in dates else []
        if name == "child" or name.startswith("child_"):
            return ["children"]
        if name in by_pred:
            return [by_pred[name]]
        if name in memo:
            return memo[name]
        memo[name] = []           # a cycle adds nothing new
        out: list = []
        for c in heads.get(name, ()):
            for d in c.conds:
                if isinstance(d, (Pos, Neg)) and d.node[0] == "f":
                    out += [k for k in atom_keys(d.node) if k not in out]
        memo[name] = out
        return out

    count: dict = {}
    order: list = []
    for r in rule_ids:
        for c in policy.rules[r].clauses:
            for d in c.conds:
                if isinstance(d, (Pos, Neg)) and d.node[0] == "f":
                    for k in atom_keys(d.node):
                        count[k] = count.get(k, 0) + 1
                        if k not in order:
                            order.append(k)
    return sorted((k for k in order if k != "benefit"), key=lambda k: (-count[k], order.index(k)))


def benefits_named(policy, rule_ids: list[str]) -> list[str]:
    """The benefits the selected rules name in `benefit(S, B)` conditions, most named first."""
    count: dict[str, int] = {}
    for r in rule_ids:
        for c in policy.rules[r].clauses:
            for d in c.conds:
                if isinstance(d, Pos) and d.node[0] == "f" and d.node[1] == "benefit":
                    b = d.node[2][1]
                    if b[0] == "f" and not b[2]:
                        count[b[1]] = count.get(b[1], 0) + 1
    return sorted(count, key=lambda b: (-count[b], b))
