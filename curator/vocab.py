"""The NHS vocabularies: ICSs, regions, Core20PLUS5 clinical areas, population groups, action areas.

Lookups accept codes, ids, names and labels in any case, and the many ways an ICS is written ("NHS Greater
Manchester ICB", "Greater Manchester Integrated Care Board", an old ONS code). An unknown value is refused
with the closest valid choices, so a typo costs the user one glance, not a search through a list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz import fuzz, process

from .errors import ValidationError
from .resources import resource

_ICS_WORDING = re.compile(
    r"^(nhs\s+)|(\s+(integrated care (board|system|partnership)|icb|ics|health and care partnership))+$"
)


def _norm(text: str) -> str:
    """Case-, punctuation- and '&'-insensitive key for matching names people type."""
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _ics_key(text: str) -> str:
    key = _norm(text)
    previous = None
    while previous != key:
        previous = key
        key = _ICS_WORDING.sub("", key).strip()
    return key


@dataclass(frozen=True)
class Term:
    """One entry of a controlled list: its stored id, what people read, and other names it answers to."""

    id: str
    label: str
    kind: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    aliases: tuple[str, ...] = ()

    @property
    def short_label(self) -> str:
        return self.extra.get("short_label") or self.label


class Vocabulary:
    """One controlled list with tolerant lookup and suggestions."""

    def __init__(self, kind: str, noun: str, terms: list[Term], keyfunc=_norm) -> None:
        self.kind = kind
        self.noun = noun
        self.terms = terms
        self._keyfunc = keyfunc
        self._by_key: dict[str, Term] = {}
        self.by_id: dict[str, Term] = {t.id: t for t in terms}
        for term in terms:
            for name in (term.id, term.label, *term.aliases):
                if name:
                    self._by_key.setdefault(keyfunc(name), term)

    def __iter__(self):
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, value: str) -> Term | None:
        if not isinstance(value, str):
            return None
        return self.by_id.get(value) or self._by_key.get(self._keyfunc(value))

    def suggestions(self, value: str, limit: int = 3) -> list[Term]:
        """The closest terms to a value that matched nothing, best first."""
        choices = {}
        for term in self.terms:
            for name in (term.label, term.id, *term.aliases):
                choices.setdefault(name, term)
        found = process.extract(str(value), list(choices), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=50)
        out: list[Term] = []
        best = found[0][1] if found else 0
        for name, score, _ in found:
            term = choices[name]
            if score >= max(60, best - 8) and term not in out:
                out.append(term)
        return out[:limit]

    def resolve(self, value: Any, field_name: str) -> Term:
        """The term for ``value`` or a ``ValidationError`` naming the field and the closest choices."""
        term = self.find(value) if isinstance(value, str) else None
        if term is not None:
            return term
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(field_name, f"expected the name or code of {self.noun}, got {value!r}", value)
        hints = self.suggestions(value)
        if hints:
            options = " or ".join(f"'{t.label}' ({t.id})" for t in hints)
            message = f"'{value}' is not a known {self.noun}; did you mean {options}?"
        else:
            message = f"'{value}' is not a known {self.noun}; run 'python -m curator vocab {self.kind}' for the list"
        raise ValidationError(field_name, message, value)


@dataclass
class Vocabularies:
    """Every controlled list Curator uses, loaded once from ``resources/vocabularies.json``."""

    raw: dict[str, Any]
    ics: Vocabulary
    regions: Vocabulary
    areas: Vocabulary
    groups: Vocabulary
    actions: Vocabulary
    audiences: Vocabulary

    def region_of(self, ics_code: str | None) -> str | None:
        term = self.ics.by_id.get(ics_code or "")
        return term.extra.get("region") if term else None

    def ics_matching(self, text: str) -> list[Term]:
        """The ICSs a person typing ``text`` may mean, best first, for pickers that filter as you type.

        People type an ICS by its name, its ICB's name ("NHS Kent and Medway Integrated Care Board", "Kent and
        Medway ICB"), a code (ONS, old ONS, ODS) or its region, often half-way through a word; a picker that
        matched names only showed nothing for all of these. Best first: the ICS ``find`` accepts, names starting
        with the text, names holding it, region names holding it, then names holding every typed word as the start
        of a word, in any order ("Kent ICB").
        """
        key = _norm(text)
        if not key:
            return []
        exact = self.ics.find(text)
        ranked = []
        for term in self.ics:
            names = [_norm(n) for n in (term.label, *term.aliases, term.id)]
            names += [f"{names[0]} icb", f"{names[0]} ics"]
            region = [_norm(str(term.extra.get(k) or "")) for k in ("region", "region_ons_code", "region_ods_code")]
            words = " ".join(names).split()
            if term is exact:
                tier = 0
            elif names[0].startswith(key):
                tier = 1
            elif any(key in n for n in names):
                tier = 2
            elif any(key in r for r in region):
                tier = 3
            elif all(any(word.startswith(w) for word in words) for w in key.split()):
                tier = 4
            else:
                continue
            ranked.append((tier, term.label, term))
        return [term for *_, term in sorted(ranked, key=lambda r: r[:2])]

    def area_cohort(self, area_id: str) -> str:
        """adults, children_young_people, cross_cutting or other (for grouping in lists and the guide)."""
        term = self.areas.by_id.get(area_id)
        return (term.extra.get("cohort") if term else None) or "other"


def _ics_terms(raw: dict[str, Any]) -> list[Term]:
    aliases_for: dict[str, list[str]] = {}
    for old, new in raw.get("ics_code_aliases", {}).items():
        aliases_for.setdefault(new, []).append(old)
    terms = []
    for entry in raw["ics"]:
        names = [entry.get("icb_name", ""), entry.get("icb_ods_code", ""), *aliases_for.get(entry["code"], [])]
        terms.append(Term(entry["code"], entry["name"], "ics", dict(entry), tuple(n for n in names if n)))
    return terms


def _paren_aliases(label: str) -> tuple[str, ...]:
    """'Severe mental illness (SMI)' also answers to 'Severe mental illness' and 'SMI'."""
    match = re.match(r"^(.*?)\s*\(([^)]+)\)\s*$", label)
    return (match.group(1), match.group(2)) if match else ()


def build_vocabularies(raw: dict[str, Any]) -> Vocabularies:
    regions = [
        Term(r["name"], r["name"], "regions", dict(r), (r.get("ons_code", ""), r.get("ods_code", "")))
        for r in raw["regions"]
    ]
    areas = []
    for entry in raw["clinical_areas"]:
        aliases = tuple(a for a in (entry.get("short_label", ""), *_paren_aliases(entry["label"])) if a)
        areas.append(Term(entry["id"], entry["label"], "areas", dict(entry), aliases))
    for entry in raw.get("clinical_area_extensions", []):
        extra = dict(entry, cohort="other")
        areas.append(Term(entry["id"], entry["label"], "areas", extra, _paren_aliases(entry["label"])))
    groups = [
        Term(g["id"], g["label"], "groups", dict(g), _paren_aliases(g["label"])) for g in raw["population_groups"]
    ]
    actions = [Term(a["id"], a["label"], "actions", dict(a)) for a in raw["action_areas"]]
    audiences = [Term(a, a, "audiences") for a in raw["guide_audiences"]]
    return Vocabularies(
        raw=raw,
        ics=Vocabulary("ics", "ICS", _ics_terms(raw), keyfunc=_ics_key),
        regions=Vocabulary("regions", "NHS region", regions),
        areas=Vocabulary("areas", "clinical area", areas),
        groups=Vocabulary("groups", "population group", groups),
        actions=Vocabulary("actions", "action area", actions),
        audiences=Vocabulary("audiences", "guide audience", audiences),
    )


@cache
def vocabularies() -> Vocabularies:
    """The shipped vocabularies (cached: they never change while the app runs)."""
    with resource("vocabularies.json").open(encoding="utf-8") as fh:
        return build_vocabularies(json.load(fh))
