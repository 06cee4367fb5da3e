"""The Whoosh schema and how a record becomes one index document.

Design (for speed at 50,000 long case studies):
- One big positional field ``all`` holds every searchable word once, so a word is one posting list to read,
  and ``AND`` is one intersection. Lean fields (``title``, ``quick`` = title + summary + tag labels,
  unstemmed) are small: they raise the score of title/summary matches, serve search-as-you-type, and give
  "did you mean" real words rather than stems.
- Nothing large is stored: snippets and titles come from SQLite for the page being shown. Facet values, id
  and version sit in one packed column read once per segment.
- Text is analysed by one tight function (``analyse``) instead of Whoosh's filter chain, for indexing speed.
"""

from __future__ import annotations

import re
import struct
from collections import Counter, defaultdict
from itertools import accumulate
from typing import Any

from whoosh import columns, fields, formats
from whoosh.analysis import STOP_WORDS, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.porter import stem as porter_stem
from whoosh.system import pack_uint

from ..model import FIELD_ORDER
from ..vocab import vocabularies

#: "A&E" and "R&D" would otherwise vanish (single letters are dropped): index them as "ae", "rd".
_AMPERSAND_ABBREV = re.compile(r"\b([A-Za-z])\s?&\s?([A-Za-z])\b")
WORD_PATTERN = r"\w+(?:\.?\w+)*"
SCHEMA_VERSION = "2"

#: Fields that ``has:``/``missing:`` accept (everything a user fills in).
PRESENCE_FIELDS = tuple(f for f in FIELD_ORDER if f not in ("id", "status"))


def prepare(text: str) -> str:
    """Text as the analyzers see it (shared by indexing, queries and snippets)."""
    return _AMPERSAND_ABBREV.sub(r"\1\2", text)


_WORD = re.compile(WORD_PATTERN)
_STOP = frozenset(STOP_WORDS)
_stems: dict[str, str] = {}
_ONE = struct.Struct(">II")
_PACKERS: dict[int, struct.Struct] = {}
#: Whoosh analyzers equivalent to ``analyse()`` (set on the fields so Whoosh's own tools agree with it).
STEM = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | StopFilter(minsize=2) | StemFilter(cachesize=100_000)
PLAIN = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | StopFilter(minsize=2)


def analyse(text: str, stemming: bool = True) -> list[str]:
    """Words as indexed: ``A&E`` joined, lower case, stop words and single letters out, Porter stems.

    One tight loop instead of Whoosh's chain of generator filters (3-4x faster at indexing); positions are
    the index in the returned list, as Whoosh's StopFilter(renumber=True) would number them.
    """
    out = []
    append = out.append
    for word in _WORD.findall(prepare(text).lower()):
        if len(word) < 2 or word in _STOP:
            continue
        if stemming:
            stemmed = _stems.get(word)
            if stemmed is None:
                if len(_stems) > 200_000:
                    _stems.clear()
                stemmed = _stems[word] = porter_stem(word)
            append(stemmed)
        else:
            append(word)
    return out


class FastPositions(formats.Positions):
    """Positions from ``analyse()``; positions packed with ``struct`` instead of a pickle."""

    stemming = True

    def word_values(self, value, analyzer, **kwargs):  # type: ignore[override]
        poses: dict[str, list[int]] = defaultdict(list)
        for pos, word in enumerate(analyse(value, self.stemming)):
            poses[word].append(pos)
        boost = self.field_boost
        for word, poslist in poses.items():
            yield word, len(poslist), len(poslist) * boost, self.encode(poslist)

    def encode(self, poslist):  # type: ignore[override]
        count = len(poslist)
        if count == 1:  # most words appear once in a document
            return _ONE.pack(1, poslist[0])
        packer = _PACKERS.get(count) or _PACKERS.setdefault(count, struct.Struct(f">{count + 1}I"))
        return packer.pack(count, poslist[0], *(b - a for a, b in zip(poslist, poslist[1:], strict=False)))

    def decode_positions(self, valuestring):  # type: ignore[override]
        count = _ONE.unpack_from(valuestring)[0]
        return list(accumulate(struct.unpack_from(f">{count}I", valuestring, 4)))


class FastFrequency(formats.Frequency):
    """Frequencies from ``analyse()``."""

    stemming = True

    def word_values(self, value, analyzer, **kwargs):  # type: ignore[override]
        boost = self.field_boost
        for word, freq in Counter(analyse(value, self.stemming)).items():
            yield word, freq, freq * boost, pack_uint(freq)


class PlainFrequency(FastFrequency):
    stemming = False


def _text(boost: float = 1.0, phrase: bool = False, plain: bool = False) -> fields.TEXT:
    field = fields.TEXT(analyzer=PLAIN if plain else STEM, phrase=phrase)
    fmt = FastPositions if phrase else PlainFrequency if plain else FastFrequency
    field.format = fmt(field_boost=boost)
    return field


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(unique=True),
        title=_text(3.0), org=_text(), all=_text(phrase=True), quick=_text(plain=True),
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
        "id": record["id"], "title": title, "org": org, "all": everything,
        "quick": f"{title}\n{summary}\n{names['tags']}",
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
