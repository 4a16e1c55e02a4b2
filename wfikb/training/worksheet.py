"""Worksheets and answer keys over a generated set, and the items the terminal quiz asks.

Each scenario file of the set becomes an item: its narrative, the questions its pairs teach (its group
when the group differs within a pair, whether an activity can be required when its status differs,
whether another conclusion holds when only that differs), and for the answer key each answer with the
short reason (the decisive provision, as `wfikb explain` gives it: for a status the rule that permits,
exempts or forbids, otherwise the rule that concluded it), its citation, and the pair's contrast.
The answers come from the engine, never from the file, so a key cannot drift from the policy.

Rendering is by jinja2 templates shipped in `wfikb/training/templates/` (`worksheet.md.j2`,
`answers.md.j2`, and `.html.j2`); `--templates DIR` puts a trainer's own templates of those names first.
"""
from __future__ import annotations

import random
from importlib import resources
from pathlib import Path

from clingo import Function

from wfikb import render, vocabulary as voc
from wfikb.engine import Engine
from wfikb.errors import InputError
from wfikb.model import Status, parse_conclusion
from wfikb.result import names
from wfikb.scenario import load
from wfikb.testing import scenario_files
from wfikb.texts import enum_word
from wfikb.training.generate import OWN
from wfikb.training.narrative import age_words

REGIME_WORDS = {
    "no_work_related_requirements": "the no work-related requirements group (WRA 2012 s.19)",
    "work_focused_interview": "the work-focused interview requirement only group (s.20)",
    "work_preparation": "the work-focused interview and work preparation group (s.21)",
    "all_work_related_requirements": "the all work-related requirements group (s.22)",
}
ACTIVITY_WORDS = {
    "wfi": "attend a work-focused interview", "new_joiners_wfi": "attend a New Joiners work-focused interview",
    "work_related_activity": "do work-related activity", "work_programme": "join the Work Programme",
    "work_and_health_programme": "join the Work and Health Programme",
    "group_information_session": "attend a group information session", "work_preparation": "do work preparation",
    "work_search": "search for work", "work_availability": "be available for work",
    "home_interview": "take part in an interview at home",
}
MAX_CONCLUSIONS = 3     # questions on other conclusions, when a pair differs in nothing else
STATUS_WORDS = {"mandatory": "Yes: it can be required (mandatory)",
                "voluntary": "No: it can only be offered (voluntary)",
                "not_permitted": "No: it must not be required or referred (not permitted)"}


def words(value: str) -> str:
    return enum_word(Function(value)) or value.replace("_", " ")


def items(engine: Engine, folder: str) -> list[dict]:
    files = scenario_files([folder])
    scs = [load(f) for f in files]
    scs = [s for s in scs if "generated" in s.raw]
    if not scs:
        raise InputError(folder, None, "expected scenario files written by `wfikb generate` (with a [generated] table)")
    evs = engine.evaluate_batch(scs)
    by_id = {s.id: (s, ev) for s, ev in zip(scs, evs)}
    out = []
    for sc, ev in zip(scs, evs):
        gen = sc.raw["generated"]
        roles = [gen] + list(gen.get("also", []))
        partners = [by_id[r["partner"]] for r in roles if r.get("partner") in by_id]
        name = gen.get("name", "the claimant")
        out.append({"id": sc.id, "title": sc.title, "date": sc.date.isoformat(), "name": name,
                    "narrative": gen.get("narrative", ""), "source": str(sc.source),
                    "questions": _questions(ev, [p[1] for p in partners], name),
                    "contrasts": _contrasts(sc, ev, roles, by_id)})
    return out


def _reason(ev, atom, status: bool) -> dict:
    node = ev.derivation.tree(atom)
    if status:
        node = render.decisive(node)
    return {"reason": node.text, "rule": node.rule, "citation": node.citation}


def _questions(ev, others, name: str) -> list[dict]:
    m = ev.model
    qs = []
    regime = m.regime()
    if regime and (any(o.model.regime() != regime for o in others) or not others):
        qs.append({"kind": "regime", "question": f"Which work-related requirement group is {name} in?",
                   "answer": regime, "answer_text": REGIME_WORDS.get(regime, words(regime)),
                   "choices": list(voc.REGIMES),
                   **_reason(ev, parse_conclusion(f"regime={regime}", m.s), False)})
    for a in ev.scenario.activities:
        st = m.status(a)
        if st and any(o.model.status(a) != st for o in others):
            qs.append({"kind": "activity", "activity": a,
                       "question": f"Can the department require {name} to {ACTIVITY_WORDS.get(a, 'do ' + words(a))}?",
                       "answer": st, "answer_text": STATUS_WORDS[st], "choices": list(voc.STATUSES),
                       **_reason(ev, Status(a, st).symbol(m.s), True)})
    own = {x for x in names(ev) if not x.startswith(OWN)}
    if qs:
        return qs
    for o in others:
        theirs = {x for x in names(o) if not x.startswith(OWN)}
        for c in sorted(own ^ theirs):
            if any(q.get("conclusion") == c for q in qs):
                continue
            holds = c in own
            q = {"kind": "conclusion", "conclusion": c, "question": f"In {name}'s case, does {c} hold?",
                 "answer": "yes" if holds else "no", "answer_text": "Yes" if holds else "No", "choices": ["yes", "no"]}
            q.update(_reason(ev, parse_conclusion(c, m.s), False) if holds else
                     {"reason": f"{c} does not hold here (see the other case of the pair).", "rule": "", "citation": ""})
            qs.append(q)
    return qs[:MAX_CONCLUSIONS]


def _describe(sc, key: str) -> str:
    if key == "children":
        kids = sc.children
        if not kids:
            return "no child"
        return "; ".join(("foster child " if c.get("foster") else "child ") + age_words(c["born"], sc.date)
                         for c in kids)
    if key == "date":
        return sc.date.isoformat()
    v = sc.claimant.get(key)
    f = voc.fields("claimant").get(key)
    if f and f.kind == "bool":
        return "yes" if v else "no"
    if v is None:
        return "not stated"
    if f and f.kind in ("money", "hours"):
        return f"{v / 100:,.2f}"
    if f and f.kind == "date":
        return v.isoformat()
    return words(str(v))


def _contrasts(sc, ev, roles: list[dict], by_id: dict) -> list[dict]:
    """One contrast per pair, with every condition it teaches."""
    out: dict = {}
    for r in roles:
        c = out.get(r.get("pair"))
        if c is None:
            c = out[r.get("pair")] = _contrast(sc, r, by_id.get(r.get("partner")))
            if r.get("partner") in by_id:
                c["matters"] = _matters(ev, by_id[r["partner"]][1])
        c["teaches"].append({"rule": r.get("rule", ""), "condition": r.get("condition", "")})
    return list(out.values())


def _matters(ev, other) -> str:
    """What the one change does to the outcome, in words."""
    m, o = ev.model, other.model
    if m.regime() != o.regime():
        return (f"the group is {REGIME_WORDS.get(m.regime(), m.regime())} here and "
                f"{REGIME_WORDS.get(o.regime(), o.regime())} there")
    for a in ev.scenario.activities:
        if m.status(a) != o.status(a):
            return f"{words(a)} is {m.status(a)} here and {o.status(a)} there"
        if m.sanction_risk(a) != o.sanction_risk(a):
            return f"missing {words(a)} carries a sanction risk {'here' if m.sanction_risk(a) else 'there'} only"
    diff = sorted(x for x in names(ev) ^ names(other) if not x.startswith(OWN))
    return f"{diff[0]} holds on one side only" if diff else "the outcome differs"


def _contrast(sc, role: dict, partner) -> dict:
    key = role.get("differs_in", "")
    out = {"pair": role.get("pair", ""), "partner": role.get("partner", ""), "differs_in": key,
           "teaches": [], "here": _describe(sc, key)}
    if partner:
        psc, pev = partner
        out["there"] = _describe(psc, key)
        out["partner_name"] = psc.raw.get("generated", {}).get("name", psc.id)
    return out


def environment(templates: str | None):
    import jinja2
    base = resources.files("wfikb.training") / "templates"
    loaders = [jinja2.FileSystemLoader(str(base))]
    if templates:
        if not Path(templates).is_dir():
            raise InputError(templates, None, "expected a folder of templates")
        loaders.insert(0, jinja2.FileSystemLoader(templates))
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=jinja2.select_autoescape(["html"]),
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def render_sheets(its: list[dict], fmt: str, templates: str | None = None, shuffle: bool = False,
                  seed: int = 0, title: str = "Worksheet") -> tuple[str, str]:
    """(learner's sheet, answer key)."""
    import jinja2
    its = list(its)
    if shuffle:
        random.Random(seed).shuffle(its)
    env = environment(templates)
    try:
        sheet = env.get_template(f"worksheet.{fmt}.j2").render(items=its, title=title)
        key = env.get_template(f"answers.{fmt}.j2").render(items=its, title=title)
    except jinja2.TemplateError as e:
        raise InputError(templates or "templates", None, f"a template could not be rendered ({e})") from None
    return sheet, key
