"""The Whoosh schema and how a record becomes one index document.

Design (for speed at 50,000 long case studies):
- One big positional field ``all`` holds every searchable word once, so a word is one posting list to read,
  and ``AND`` is one intersection. Lean fields (``title``, ``summary``, ``quick``) are small and only boost the
  score or serve search-as-you-type, so reading them costs little.
- Nothing large is stored: hits carry only ``id`` and ``title``; snippets read the text from SQLite for the
  page being shown. Facet values sit in one packed column read once per segment.
- ``spell`` is the unstemmed words of titles and summaries, for "did you mean".
"""

from __future__ import annotations

import re
from typing import Any

from whoosh import columns, fields
from whoosh.analysis import (
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Tokenizer,
)

from ..model import FIELD_ORDER
from ..vocab import vocabularies

#: "A&E" and "R&D" would otherwise vanish (single letters are dropped): index them as "ae", "rd".
_AMPERSAND_ABBREV = re.compile(r"\b([A-Za-z])\s?&\s?([A-Za-z])\b")
WORD_PATTERN = r"\w+(?:\.?\w+)*"
SCHEMA_VERSION = "1"

#: Fields that ``has:``/``missing:`` accept (everything a user fills in).
PRESENCE_FIELDS = tuple(f for f in FIELD_ORDER if f not in ("id", "status"))


def prepare(text: str) -> str:
    """Text as the analyzers see it (shared by indexing, queries and snippets)."""
    return _AMPERSAND_ABBREV.sub(r"\1\2", text)


class PreparedTokenizer(Tokenizer):
    """A regex tokenizer that first rewrites ``A&E``-style abbreviations into single words."""

    def __init__(self) -> None:
        self.inner = RegexTokenizer(WORD_PATTERN)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PreparedTokenizer)

    def __call__(self, value: str, **kwargs: Any):  # type: ignore[override]
        return self.inner(prepare(value), **kwargs)


def stemming_analyzer():
    return PreparedTokenizer() | LowercaseFilter() | StopFilter(minsize=2) | StemFilter(cachesize=100_000)


def plain_analyzer():
    return PreparedTokenizer() | LowercaseFilter() | StopFilter(minsize=2)


STEM = stemming_analyzer()
PLAIN = plain_analyzer()


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=STEM, stored=True, phrase=False, field_boost=3.0),
        summary=fields.TEXT(analyzer=STEM, phrase=False, field_boost=1.5),
        org=fields.TEXT(analyzer=STEM, phrase=False),
        all=fields.TEXT(analyzer=STEM, phrase=True),
        quick=fields.TEXT(analyzer=STEM, phrase=False),
        spell=fields.TEXT(analyzer=PLAIN, phrase=False, vector=None),
        ics=fields.ID, region=fields.ID, status=fields.ID, programme=fields.ID,
        area=fields.KEYWORD(commas=True), group=fields.KEYWORD(commas=True), action=fields.KEYWORD(commas=True),
        has=fields.KEYWORD(commas=True),
        year=fields.ID,
        facets=fields.COLUMN(columns.PickleColumn(columns.VarBytesColumn())),
    )


def _text_of(value: Any) -> str:
    """Flatten lists and objects (outcomes, key actions, contact) into words."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, dict):
        return " ".join(_text_of(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_text_of(v) for v in value)
    return str(value)


def _filled(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, bool):
        return value
    return value not in (None, "", [], {})


def labels(record: dict[str, Any]) -> dict[str, str]:
    """Human names the record is tagged with: ICS, region, clinical areas, population groups, action areas."""
    vocab = vocabularies()
    ics = vocab.ics.by_id.get(record.get("ics") or "")
    tag_text = []
    for field, vocabulary in (("clinical_areas", vocab.areas), ("population_groups", vocab.groups),
                              ("action_areas", vocab.actions)):
        for tag in record.get(field) or []:
            term = vocabulary.by_id.get(tag)
            tag_text.append(" ".join((term.label, *term.aliases)) if term else tag)
    return {"ics": f"{ics.label} {ics.extra.get('icb_name', '')}" if ics else "",
            "region": vocab.region_of(record.get("ics")) or "", "tags": " ".join(tag_text)}


#: Positions in the packed per-document column (read once per segment; see index.SegmentCache).
ID, VERSION, UPDATED, REGION, ICS, STATUS, YEAR, PROGRAMME, AREAS, GROUPS = range(10)


def packed(record: dict[str, Any], version: int) -> tuple:
    """What facets, listing order and ``check()`` need about a document, in one column value."""
    year = record.get("year")
    return (record["id"], int(version), record.get("updated") or "",
            vocabularies().region_of(record.get("ics")) or "", record.get("ics") or "",
            record.get("status") or "", str(year) if year else "", (record.get("programme") or "").strip(),
            tuple(record.get("clinical_areas") or ()), tuple(record.get("population_groups") or ()))


def document(record: dict[str, Any], version: int) -> dict[str, Any]:
    """The index document for one stored record."""
    names = labels(record)
    title = record.get("title") or ""
    summary = record.get("summary") or ""
    org = record.get("organisation") or ""
    rest = " ".join(_text_of(record.get(f)) for f in (
        "ahsn", "programme", "key_actions", "local_groups", "period", "partners", "outcomes", "context_figures",
        "lessons", "evaluation_type"))
    everything = "\n".join((title, summary, org, names["ics"], names["region"], names["tags"], rest,
                            record.get("body") or ""))
    doc: dict[str, Any] = {
        "id": record["id"], "title": title, "summary": summary, "org": org, "all": everything,
        "quick": f"{title}\n{summary}\n{names['tags']}", "spell": f"{title}\n{summary}\n{org}",
        "status": record.get("status") or "draft",
        "has": ",".join(f for f in PRESENCE_FIELDS if _filled(record.get(f))),
        "facets": packed(record, version),
    }
    for key, value in (("ics", record.get("ics")), ("region", names["region"]),
                       ("programme", (record.get("programme") or "").strip())):
        if value:
            doc[key] = value
    for key, field in (("area", "clinical_areas"), ("group", "population_groups"), ("action", "action_areas")):
        if record.get(field):
            doc[key] = ",".join(record[field])
    if isinstance(record.get("year"), int):
        doc["year"] = str(record["year"])
    return doc
