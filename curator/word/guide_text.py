"""The guide's words that belong to the lead, not to a case study: each section's opening text and the reviewers
who agreed to be named in the acknowledgements.

Both live in the library (the ``config`` table), so every export and every edition prints the same words until the
lead changes them. An opening the lead never wrote gets a default drawn from the vocabularies, so a first guide is
never blank; the lead's own words replace it with ``guide opening set``.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import CuratorError
from ..vocab import vocabularies

_OPENING = "guide.opening.{group}.{key}"
_NAMED = "guide.named_reviewers"
#: What each key area asks of a system, in the framework's own terms, for the default openings.
ACTION_FOCUS = {
    "enabling_system": "leaders who make tackling inequalities everyone's business: clear accountability, resources "
                       "that follow need, and partnerships with local government and the voluntary sector",
    "shared_understanding": "knowing who is missing out and why: data broken down by deprivation and ethnicity, joined "
                            "with what communities and people with lived experience say",
    "urgency_commitment": "keeping inequalities on the agenda when other pressures crowd in: visible measures, "
                          "regular reporting to boards, and commitments that outlast a single project",
    "implementation_impact": "turning plans into changed services and measuring what changed, for whom, so that "
                             "what works is kept, spread and funded",
}
COHORTS = {"adults": "adults", "children_young_people": "children and young people",
           "cross_cutting": "adults, children and young people"}


def section_keys(group_by: str) -> list[tuple[str, str]]:
    """(key, title) of every section a grouping can have, in the guide's order."""
    vocab = vocabularies()
    if group_by == "action":
        return [(a.id, a.label) for a in vocab.actions] + [("", "Other case studies")]
    if group_by == "area":
        core = [(a.id, a.short_label) for a in vocab.areas if a.extra.get("cohort") in COHORTS]
        return core + [("other", "Other clinical areas")]
    if group_by == "region":
        return [(t.id, t.label) for t in vocab.regions] + [("", "Region not recorded")]
    raise CuratorError(f"--group-by must be one of action, area, region, not '{group_by}'")


def resolve_key(group_by: str, ref: str) -> tuple[str, str]:
    """A section named by id or title (any case); the message lists the choices when it is neither."""
    keys = section_keys(group_by)
    wanted = " ".join(ref.split()).casefold()
    for key, title in keys:
        if wanted in (key.casefold(), title.casefold()) and (key or title):
            return key, title
    choices = "; ".join(f"{k} ({t})" for k, t in keys if k)
    raise CuratorError(f"'{ref}' is not a section of a guide grouped by {group_by}; use one of: {choices}")


def default_opening(group_by: str, key: str, title: str) -> str:
    """Words drawn from the vocabularies: the Core20PLUS5 ambition, the key area's place in the framework."""
    vocab = vocabularies()
    if group_by == "action" and key:
        focus = ACTION_FOCUS.get(key, "")
        about = f" It is about {focus}." if focus else ""
        return (f"'{title}' is one of the four key areas for action in 'Tackling inequalities in healthcare access, "
                f"experience and outcomes: actionable insights'.{about} The case studies in this section show what "
                "it looks like in practice; the checklist draws together the actions they share, for each audience.")
    if group_by == "area" and key in vocab.areas.by_id:
        area = vocab.areas.by_id[key]
        cohort = COHORTS.get(area.extra.get("cohort", ""), "")
        ambition = area.extra.get("ambition", "").removeprefix("Cross-cutting thread: ").split(". ")[0].rstrip(".")
        who = f" for {cohort}" if cohort else ""
        ambition = ambition[:1].lower() + ambition[1:]
        return (f"{area.label} is one of the Core20PLUS5 clinical areas{who}. The ambition: {ambition}. The case "
                "studies in this section show how NHS organisations and their partners are working towards it.")
    if group_by == "region" and key:
        count = sum(1 for i in vocab.ics if i.extra.get("region") == title)
        return (f"Case studies from the {title} region, which has {count} integrated care systems. The checklist "
                "draws together the actions they share, for each audience.")
    if group_by == "area":
        others = [a.label.split(" (")[0].split(" - ")[0].lower() for a in vocab.areas if a.extra.get("cohort") == "other"
                  and a.id != "ext_other"][:3]
        return ("Case studies in clinical areas beyond the Core20PLUS5 ten, such as " + ", ".join(others) + ".")
    return "Case studies that do not fit one of the sections above."


def opening(library: Any, group_by: str, key: str, title: str) -> tuple[str, bool]:
    """The section's opening text and whether the lead wrote it (False: the default)."""
    stored = library.store.get_config(_OPENING.format(group=group_by, key=key or "none"))
    if stored is not None and stored.strip():
        return stored, True
    return default_opening(group_by, key, title), False


def set_opening(library: Any, group_by: str, ref: str, text: str | None) -> dict[str, Any]:
    """Store the lead's opening for one section (``text`` None or blank: back to the default)."""
    key, title = resolve_key(group_by, ref)
    name = _OPENING.format(group=group_by, key=key or "none")
    if text is not None and len(text) > 4000:
        raise CuratorError(f"the opening text is {len(text)} characters; keep it under 4,000 (about a page)")
    with library.store.transaction():
        if text is None or not text.strip():
            library.store.conn.execute("DELETE FROM config WHERE key=?", (name,))
        else:
            library.store.conn.execute("INSERT INTO config(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                                       "SET value=excluded.value", (name, text.strip()))
    words, custom = opening(library, group_by, key, title)
    return {"group_by": group_by, "key": key, "title": title, "text": words, "custom": custom}


def openings(library: Any, group_by: str) -> list[dict[str, Any]]:
    out = []
    for key, title in section_keys(group_by):
        words, custom = opening(library, group_by, key, title)
        out.append({"group_by": group_by, "key": key, "title": title, "text": words, "custom": custom})
    return out


def named_reviewer_ids(library: Any) -> list[str]:
    try:
        return list(json.loads(library.store.get_config(_NAMED) or "[]"))
    except json.JSONDecodeError:
        return []


def set_named(library: Any, ref: str, named: bool) -> dict[str, Any]:
    """Record that a reviewer agreed (or no longer agrees) to be named in the guide's acknowledgements."""
    from ..review import reviewers

    reviewer = reviewers.get(library, ref, include_removed=True)
    ids = [i for i in named_reviewer_ids(library) if i != reviewer.id] + ([reviewer.id] if named else [])
    library.store.set_config(_NAMED, json.dumps(ids))
    return {"id": reviewer.id, "name": reviewer.name, "named": named}


def acknowledged(library: Any) -> list[str]:
    """'Name, Organisation' of each reviewer who agreed to be named, in name order."""
    from ..review import reviewers

    wanted = set(named_reviewer_ids(library))
    people = [r for r in reviewers.list_reviewers(library, include_removed=True) if r.id in wanted]
    return [", ".join(v for v in (r.name, r.organisation) if v) for r in sorted(people, key=lambda r: r.name)]
