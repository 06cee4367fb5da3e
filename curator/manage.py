"""Library management over many records at once: bulk status, tags and delete, emptying the trash, exporting a
selection or a search.

Each bulk change is one transaction and one history batch, so one undo reverts the whole selection, exactly as
the user did it. The CLI (``bulk …``, ``empty-trash``, ``export forms``, ``export search``) and the window's
multi-select call these same functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import CuratorError, RecordErrors
from .history import Changes, Recorder, now_iso
from .library import Library, _short, plural, write_text_atomic
from .model import STATUSES, TAG_FIELDS, normalise, ordered
from .progress import CancelToken, ProgressFn, no_progress
from .vocab import vocabularies
from .workflow import STATUS_LABELS, allowed

#: Tag kinds a bulk change accepts, by the names people use (CLI) and the record field they change.
TAG_KINDS = {"area": "clinical_areas", "group": "population_groups", "action": "action_areas"}


def _ids(ids: Iterable[str]) -> list[str]:
    out = list(dict.fromkeys(i for i in ids if i))
    if not out:
        raise CuratorError("choose at least one case study (select rows in the list, or name their ids)")
    return out


def _states(library: Library, ids: list[str]) -> dict[str, dict[str, Any]]:
    states = {}
    for case_id in ids:
        state = library.store.state(case_id)
        if state is None:
            raise CuratorError(f"no case study with id '{case_id}'; nothing was changed")
        states[case_id] = state
    return states


def _commit(library: Library, label: str, action: str, changes: list[tuple[str, dict, dict]],
            removed: bool = False) -> Changes:
    recorder = Recorder(library.store, label, action)
    for case_id, before, after in changes:
        library.store.write_state(case_id, after)
        recorder.add(case_id, before, after)
    recorder.flush()
    library.store.bump_generation()
    ids = {c[0] for c in changes}
    return Changes(label, set() if removed else ids, ids if removed else set())


def bulk_set_status(library: Library, ids: Iterable[str], status: str) -> dict[str, Any]:
    """Move every selected case study the workflow allows to ``status``; the others are listed, not changed."""
    if status not in STATUSES:
        raise CuratorError(f"'{status}' is not a status; use one of {', '.join(STATUSES)}")
    ids = _ids(ids)
    label = f"Change status of {plural(len(ids), 'case study', 'case studies')} to {status.replace('_', ' ')}"
    skipped: list[dict[str, str]] = []
    with library.store.transaction():
        states = _states(library, ids)
        changes = []
        for case_id in ids:
            before = states[case_id]
            current = before["record"]["status"]
            if before["deleted"] or current == status or status not in allowed(current):
                why = "in the trash" if before["deleted"] else f"already {STATUS_LABELS[status].lower()}" \
                    if current == status else f"{STATUS_LABELS[current].lower()} cannot move to " \
                    f"{STATUS_LABELS[status].lower()}"
                skipped.append({"id": case_id, "title": before["record"]["title"], "reason": why})
                continue
            record = dict(before["record"], status=status, updated=now_iso())
            changes.append((case_id, before, dict(before, record=record, version=before["version"] + 1)))
        if not changes:
            reasons = "; ".join(f"{s['title']}: {s['reason']}" for s in skipped[:3])
            raise CuratorError(f"none of the selected case studies can move to {STATUS_LABELS[status].lower()} "
                               f"({reasons}); nothing was changed")
        label = f"Change status of {plural(len(changes), 'case study', 'case studies')} to " \
                f"{status.replace('_', ' ')}"
        done = _commit(library, label, "status", changes)
    library._notify(done)
    return {"label": label, "changed": sorted(done.ids), "skipped": skipped}


def bulk_tag(library: Library, ids: Iterable[str], kind: str, value: str, *, add: bool = True) -> dict[str, Any]:
    """Add (or remove) one clinical area, population group or action area on every selected case study."""
    field = TAG_KINDS.get(kind, kind if kind in TAG_FIELDS else None)
    if field is None:
        raise CuratorError(f"'{kind}' is not a kind of tag; use one of {', '.join(TAG_KINDS)}")
    vocab = vocabularies()
    term = getattr(vocab, TAG_FIELDS[field]).resolve(value, field)
    ids = _ids(ids)
    verb = "Add" if add else "Remove"
    label = f"{verb} '{term.short_label}' {'to' if add else 'from'} {plural(len(ids), 'case study', 'case studies')}"
    with library.store.transaction():
        states = _states(library, ids)
        changes = []
        for case_id in ids:
            before = states[case_id]
            tags = list(before["record"].get(field) or [])
            if (term.id in tags) == add:
                continue
            tags = [*tags, term.id] if add else [t for t in tags if t != term.id]
            try:
                record, _ = normalise({**before["record"], field: tags})
            except RecordErrors as err:
                raise CuratorError(f"{before['record']['title']}: {err}; nothing was changed") from err
            record.update(id=case_id, created=before["record"]["created"], updated=now_iso())
            changes.append((case_id, before, dict(before, record=ordered(record), version=before["version"] + 1)))
        if not changes:
            return {"label": label, "changed": [], "unchanged": ids}
        done = _commit(library, label, "update", changes)
    library._notify(done)
    return {"label": label, "changed": sorted(done.ids), "unchanged": [i for i in ids if i not in done.ids]}


def bulk_delete(library: Library, ids: Iterable[str]) -> dict[str, Any]:
    """Move the selected case studies to the trash in one step (one undo brings them all back)."""
    ids = _ids(ids)
    with library.store.transaction():
        states = _states(library, ids)
        changes = [(i, s, dict(s, deleted=now_iso(), version=s["version"] + 1)) for i, s in states.items()
                   if not s["deleted"]]
        if not changes:
            raise CuratorError("the selected case studies are already in the trash")
        label = f"Delete {plural(len(changes), 'case study', 'case studies')}" if len(changes) > 1 else \
            f"Delete {_short(changes[0][1]['record']['title'])}"
        done = _commit(library, label, "delete", changes, removed=True)
    library._notify(done)
    return {"label": label, "deleted": sorted(done.removed)}


def restore_many(library: Library, ids: Iterable[str]) -> dict[str, Any]:
    """Bring case studies back from the trash in one step."""
    ids = _ids(ids)
    with library.store.transaction():
        states = _states(library, ids)
        changes = [(i, s, dict(s, deleted=None, version=s["version"] + 1)) for i, s in states.items()
                   if s["deleted"]]
        if not changes:
            raise CuratorError("none of those case studies is in the trash; nothing to restore")
        label = f"Restore {plural(len(changes), 'case study', 'case studies')}" if len(changes) > 1 else \
            f"Restore {_short(changes[0][1]['record']['title'])}"
        done = _commit(library, label, "restore", changes)
    library._notify(done)
    return {"label": label, "restored": sorted(done.ids)}


def empty_trash(library: Library) -> dict[str, Any]:
    """Remove every case study in the trash from the library. One history batch keeps their last state, so
    Undo (straight after) puts them back in the trash."""
    with library.store.transaction():
        rows = library.store.query("SELECT id FROM case_studies WHERE deleted IS NOT NULL")
        if not rows:
            return {"label": "", "removed": []}
        states = _states(library, [r["id"] for r in rows])
        label = f"Empty the trash ({plural(len(states), 'case study', 'case studies')})"
        done = _commit(library, label, "purge", [(i, s, None) for i, s in states.items()], removed=True)
    library._notify(done)
    return {"label": label, "removed": sorted(done.removed)}


def _file_stem(title: str, case_id: str) -> str:
    words = re.sub(r"[^\w\s-]", "", title, flags=re.UNICODE).split()
    stem = "-".join(words)[:60].strip("-") or "case-study"
    return f"{stem}-{case_id}"


def export_forms(library: Library, ids: Iterable[str], folder: Path, *, progress: ProgressFn = no_progress,
                 cancel: CancelToken | None = None) -> dict[str, Any]:
    """Each selected case study as a filled Word submission form in ``folder`` (named by title and id)."""
    from .word.submission import write_form

    ids = _ids(ids)
    folder = Path(folder)
    if not folder.is_dir():
        raise CuratorError(f"cannot write the forms: the folder {folder} does not exist; choose another")
    paths = []
    for n, case_id in enumerate(ids):
        if cancel is not None:
            cancel.check()
        record = library.get(case_id)
        progress(n, len(ids), record["title"])
        path = folder / f"{_file_stem(record['title'], case_id)}.docx"
        write_form(path, record)
        paths.append(str(path.resolve()))
    progress(len(ids), len(ids), "Done")
    return {"folder": str(folder.resolve()), "paths": paths, "count": len(paths)}


def export_selection_json(library: Library, ids: Iterable[str], out: Path) -> dict[str, Any]:
    """The chosen case studies, in the order given, in the interchange format (written atomically)."""
    records = [library.get(i) for i in _ids(ids)]
    write_text_atomic(Path(out), json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    return {"path": str(Path(out).resolve()), "count": len(records)}


def search_ids(library: Library, query: str, filters: dict[str, list[str]] | None = None) -> list[str]:
    """Every case study a search matches, best first (the search index must be available)."""
    service = library.extensions.get("search")
    if service is None:
        raise CuratorError("the search index is not available, so a search cannot be exported; run "
                           "'index rebuild', or export everything with 'export json'")
    clean = {k: list(v) for k, v in (filters or {}).items() if v} or None
    total = max(library.count(), 1)
    result = service.search(query, filters=clean, limit=total)
    return [h["id"] for h in result["hits"]]


def export_search_json(library: Library, out: Path, query: str,
                       filters: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """What a search finds, best first, as interchange JSON."""
    ids = search_ids(library, query, filters)
    if not ids:
        raise CuratorError(f"the search '{query}' finds no case study, so there is nothing to export")
    result = export_selection_json(library, ids, out)
    return dict(result, query=query, filters=filters or {})
