"""How organisations word their case studies: section headings and "Label: value" lines → record fields.

Kept apart from the reader so the wording lists can grow (each new phrasing seen in a real submission is one
line here) without touching the parsing.
"""

from __future__ import annotations

import re
from typing import Any

from ..vocab import Term, Vocabulary, vocabularies

#: Section heading wording → field, first match wins. Unmatched headings go to the body.
SECTION_WORDS: list[tuple[str, str]] = [
    ("summary", r"summary|overview|abstract|in brief|at a glance|executive summary|synopsis"),
    ("outcomes", r"outcomes?|impact|results?|benefits|what (has )?changed|achievements?|difference (it|we) made"),
    ("lessons", r"lessons?( learn[te]d)?|what (we|they) (have )?learn[te]d|key learning|learning( points)?|top tips|"
                r"tips|advice( for others)?|recommendations|what we would do differently"),
    ("partners", r"partners?|partnerships?|who was involved|who were the partners|stakeholders|collaborators|"
                 r"working together"),
    ("contact", r"contacts?( details)?|further information|more information|get in touch|find out more|"
                r"contact for more information"),
    ("additional_sources", r"sources|references|further reading|useful links|links|resources"),
    ("context_figures", r"key (facts|figures|statistics)|context figures|facts and figures|in numbers|the numbers"),
    ("body", r".*"),
]
_SECTION_RES = [(field, re.compile(rf"^\s*(?:\d+[.)]?\s*)?(?:the\s+)?(?:{words})\b", re.IGNORECASE))
                for field, words in SECTION_WORDS]

#: "Label: value" lines, anywhere in the document. Contact-only labels apply within a Contact section.
LABELS: dict[str, tuple[str, ...]] = {
    "title": ("title", "project title", "case study title", "project name", "name of project"),
    "organisation": ("organisation", "organisations", "organization", "lead organisation", "lead organisations",
                     "lead organization", "organisation name", "trust", "provider", "lead provider"),
    "ics": ("ics", "integrated care system", "icb", "integrated care board", "ics/icb", "icb/ics",
            "integrated care system (ics)"),
    "programme": ("programme", "program", "funding programme", "national programme"),
    "ahsn": ("ahsn", "health innovation network", "academic health science network", "hin"),
    "period": ("period", "timescale", "timescales", "duration", "dates", "timeframe", "project dates",
               "time period"),
    "year": ("year", "start year", "year started", "year of start"),
    "clinical_areas": ("clinical area", "clinical areas", "core20plus5 area", "core20plus5 areas",
                       "core20plus5 clinical area", "core20plus5 clinical areas", "clinical focus"),
    "population_groups": ("population group", "population groups", "target population", "target group",
                          "target groups", "plus group", "plus groups", "population"),
    "action_areas": ("action area", "action areas", "key area for action", "key areas for action"),
    "partners": ("partners", "partner organisations", "key partners"),
    "evaluation_type": ("evaluation type", "type of evaluation", "evaluation method"),
    "source_url": ("source", "website", "web link", "weblink", "link", "url", "web page"),
    "declarations.sponsorship": ("sponsorship", "industry sponsorship"),
    "contact.email": ("email", "e-mail", "email address", "contact email"),
    "contact.phone": ("phone", "telephone", "tel", "contact phone", "phone number", "telephone number", "mobile"),
    "contact.name": ("contact", "contact name", "lead contact", "main contact", "project lead"),
    "summary": ("summary",),
}
CONTACT_ONLY = {"contact.name": ("name", "full name"), "contact.role": ("role", "job title", "title", "position")}
_LABEL_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 /()&'-]{0,40}?)\s*[:：]\s*(\S.*)$", re.DOTALL)
_BY_LABEL = {label: field for field, labels in LABELS.items() for label in labels}
_CONTACT_BY_LABEL = {label: field for field, labels in CONTACT_ONLY.items() for label in labels}

MEASURE_WORDS = re.compile(r"measure|outcome|indicator|metric|result|kpi|impact|what|target", re.IGNORECASE)
VALUE_WORDS = re.compile(r"value|result|figure|number|baseline|before|after|change|impact|%|total|achieved",
                         re.IGNORECASE)
MEASURE_VALUE = re.compile(r"^\s*(.{2,160}?)\s*(?::|\s[–—-]\s)\s*(\S.*)$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d[\d\s()-]{7,14}\d")
URL = re.compile(r"https?://\S+")


#: Headings that name a section of the write-up, so are never taken for the case study's title.
BODY_WORDS = (r"background|introduction|context|the challenge|challenges?|the problem|problem|reasons? for|"
              r"why|aims?|objectives?|what we did|what was done|approach|implementation|method(ology)?|"
              r"intervention|the project|solution|delivery|how it works|next steps|evaluation|barriers|funding|"
              r"sustainability|conclusions?")
_BODY_RE = re.compile(rf"^\s*(?:\d+[.)]?\s*)?(?:{BODY_WORDS})\b", re.IGNORECASE)


def is_section_name(heading: str) -> bool:
    return section_field(heading) != "body" or bool(_BODY_RE.match(heading))


def section_field(heading: str) -> str:
    for field, pattern in _SECTION_RES:
        if pattern.match(heading):
            return field
    return "body"


def label_line(text: str, in_contact: bool = False) -> tuple[str, str] | None:
    """(field path, value) for a recognised "Label: value" line, else None."""
    if "\n" in text.strip():
        return None
    match = _LABEL_LINE.match(text)
    if not match:
        return None
    label = " ".join(match.group(1).casefold().split())
    value = match.group(2).strip()
    if label in ("http", "https", "mailto"):
        return None
    if in_contact and label in _CONTACT_BY_LABEL:
        return _CONTACT_BY_LABEL[label], value
    field = _BY_LABEL.get(label)
    return (field, value) if field else None


def resolve_terms(vocabulary: Vocabulary, text: str, fuzzy: bool = True) -> tuple[list[str], list[str], list[str]]:
    """(ids, notes on fuzzy readings, parts not recognised) for a list of labels written in prose."""
    ids, readings, unknown = [], [], []
    for part in re.split(r"\s*[;,\n]\s*|\s+and\s+(?=[A-Z])", text):
        part = part.strip(" .")
        if not part:
            continue
        term: Term | None = vocabulary.find(part)
        if term is None and fuzzy:
            hints = vocabulary.suggestions(part, limit=1)
            term = hints[0] if hints else None
            if term is not None:
                readings.append(f"read '{part}' as '{term.label}'")
        if term is None:
            unknown.append(part)
        elif term.id not in ids:
            ids.append(term.id)
    return ids, readings, unknown


def resolve_ics(text: str) -> tuple[str | None, str | None]:
    """(ICS code or None, a note when read fuzzily or not at all)."""
    ics = vocabularies().ics
    term = ics.find(text.strip())
    if term:
        return term.id, None
    hints = ics.suggestions(text, limit=1)
    if hints:
        return hints[0].id, f"read ICS '{text}' as '{hints[0].label}'"
    return None, f"'{text}' is not an ICS Curator knows; it was kept in the body, set the ICS by hand"


def put_field(raw: dict[str, Any], path: str, value: Any) -> None:
    if "." in path:
        outer, inner = path.split(".", 1)
        raw.setdefault(outer, {})[inner] = value
    else:
        raw[path] = value
