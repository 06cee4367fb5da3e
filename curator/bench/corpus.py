"""A deterministic synthetic library for benchmarks: realistic length (500–3,000 words), real vocabulary tags.

Text is stitched from runs of the shipped demo case studies' own sentences, so word frequencies, phrases and
the NHS vocabulary look like the real thing, plus invented place names that make each record findable.
The same ``seed`` and ``n`` always give the same records, so two engines (or two runs) see identical input.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from whoosh.analysis import STOP_WORDS

from ..resources import resource
from ..vocab import vocabularies

PROGRAMMES = ("Innovation for Healthcare Inequalities Programme (InHIP)", "Health Equalities Partnership (HEP)",
              "Core20PLUS Connectors", "Local transformation fund")
STATUSES = ("draft", "submitted", "in_review", "accepted", "published", "published", "published", "archived")
_SYLLABLES = ("ash", "bur", "cal", "den", "ford", "ham", "ley", "mar", "ton", "wick", "by", "thorpe", "stow",
              "wor", "brook", "field", "holm", "pen", "ock", "ridge")


@cache
def _source() -> tuple[list[str], list[str]]:
    """(body words in reading order, title words) from the demo library."""
    with resource("demo", "case_studies.json").open(encoding="utf-8") as fh:
        demo = json.load(fh)
    body: list[str] = []
    titles: list[str] = []
    for record in demo:
        text = " ".join([record.get("summary", ""), record.get("body", ""), *record.get("lessons", [])])
        body.extend(re.sub(r"[#*_>`]", " ", text).split())
        titles.extend(w for w in record["title"].split() if len(w) > 3)
    return body, titles


def place(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _passage(rng: random.Random, words: list[str], length: int) -> str:
    out: list[str] = []
    while len(out) < length:
        start = rng.randrange(0, len(words) - 40)
        out.extend(words[start:start + rng.randint(8, 40)])
    return " ".join(out[:length])


def record(i: int, seed: int = 7) -> dict[str, Any]:
    """The i-th synthetic case study (interchange format, with id)."""
    rng = random.Random(seed * 1_000_003 + i)
    words, title_words = _source()
    vocab = vocabularies()
    town = place(rng)
    length = rng.randint(500, 3000)
    paragraphs = []
    remaining = length - 120
    while remaining > 0:
        size = min(remaining, rng.randint(60, 220))
        paragraphs.append(_passage(rng, words, size))
        remaining -= size
    heading = rng.sample(["## Background", "## What we did", "## Who was involved", "## Challenges"], 2)
    body = f"{heading[0]}\n\n" + "\n\n".join(paragraphs[:2]) + f"\n\n{heading[1]}\n\n" + "\n\n".join(paragraphs[2:])
    ics = rng.choice(vocab.ics.terms)
    return {
        "id": f"cs-bench{i:06d}",
        "title": f"{' '.join(rng.sample(title_words, rng.randint(4, 9)))} in {town}",
        "organisation": f"{town} {rng.choice(['Primary Care Network', 'Community Trust', 'Council', 'Hospice'])}",
        "ics": ics.id,
        "programme": rng.choice(PROGRAMMES),
        "clinical_areas": [t.id for t in rng.sample(vocab.areas.terms, rng.randint(1, 2))],
        "population_groups": [t.id for t in rng.sample(vocab.groups.terms, rng.randint(1, 3))],
        "action_areas": [t.id for t in rng.sample(vocab.actions.terms, rng.randint(1, 2))],
        "year": rng.randint(2018, 2025),
        "partners": [f"{place(rng)} {rng.choice(['VCSE', 'Healthwatch', 'PCN', 'council'])}"
                     for _ in range(rng.randint(1, 4))],
        "summary": f"In {town}, " + _passage(rng, words, rng.randint(40, 90)),
        "body": body,
        "outcomes": [{"measure": _passage(rng, words, 5), "value": f"{rng.randint(5, 2000)}"}
                     for _ in range(rng.randint(0, 3))],
        "lessons": [_passage(rng, words, rng.randint(10, 25)) for _ in range(rng.randint(0, 3))],
        "status": rng.choice(STATUSES),
        "created": "2025-01-01T00:00:00Z",
        "updated": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00Z",
    }


def records(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield record(i, seed)


def common_words(seed: int = 7) -> list[str]:
    """Distinct lower-case words of the source text by frequency, most common first (for query mixes)."""
    words, _ = _source()
    counts: dict[str, int] = {}
    for word in words:
        key = re.sub(r"\W", "", word.casefold())
        if len(key) > 3 and key.isalpha() and key not in STOP_WORDS:
            counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))
