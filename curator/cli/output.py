"""Plain-text renderings for people at a terminal (``--json`` output never passes through here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], headers: Sequence[str] | None = None,
          max_width: int = 60) -> str:
    if not rows:
        return "(none)"
    headers = list(headers or columns)

    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        text = " ".join(text.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(b, widths, strict=True)).rstrip() for b in body]
    return "\n".join(lines)


def record_text(record: dict[str, Any]) -> str:
    """A readable summary of one record for the terminal."""
    from ..vocab import vocabularies

    vocab = vocabularies()
    ics = vocab.ics.by_id.get(record.get("ics") or "")
    lines = [record["title"], "=" * min(len(record["title"]), 78),
             f"id: {record.get('id')}   status: {record.get('status')}   updated: {record.get('updated')}"]
    if record.get("organisation"):
        lines.append(f"organisation: {record['organisation']}")
    if ics:
        lines.append(f"ICS: {ics.label} ({ics.id}), {ics.extra.get('region')}")
    for field, vocabulary in (("clinical_areas", vocab.areas), ("population_groups", vocab.groups)):
        if record.get(field):
            labels = [vocabulary.by_id[t].short_label if t in vocabulary.by_id else t for t in record[field]]
            lines.append(f"{field.replace('_', ' ')}: {'; '.join(labels)}")
    if record.get("summary"):
        lines += ["", record["summary"]]
    for outcome in record.get("outcomes") or []:
        lines.append(f"  • {outcome['measure']}: {outcome['value']}")
    return "\n".join(lines)
