"""A save's one-document segment written by ``onedoc``'s lean path is byte for byte what Whoosh writes."""

from __future__ import annotations

import json
import random
from pathlib import Path

from whoosh import index as windex
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from curator.bench.corpus import records
from curator.search import onedoc
from curator.search.schema import build_schema, document

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "case_studies.json"


def _write(folder: Path, docs: list[dict], lean: bool) -> dict[str, bytes]:
    """Each record committed as a segment of its own (as a save does): every segment sub-file's bytes (the
    compound file's directory holds modification times, so it is compared by its sub-files)."""
    folder.mkdir()
    ix = windex.create_in(str(folder), build_schema())
    (onedoc.install if lean else onedoc.uninstall)()
    try:
        for k, doc in enumerate(docs):
            random.seed(k)  # the same segment ids both ways, so the file names and compound directories agree
            writer = ix.writer()
            writer.add_document(**doc)
            writer.commit(merge=False)
    finally:
        onedoc.install()
    out = {}
    storage = FileStorage(str(folder))
    for path in folder.glob("*.seg"):
        compound = CompoundStorage(storage.open_file(path.name), use_mmap=False)
        for name in compound.list():
            out[name] = compound.open_file(name).read()
        compound.close()
    return out


def test_lean_segments_are_byte_identical(tmp_path):
    docs = [document(rec, 1) for _, rec in zip(range(25), records(25, 3), strict=False)]
    demo = json.loads(DEMO.read_text(encoding="utf-8"))[:15]
    docs += [document({**rec, "id": f"cs-demo{i}"}, 2) for i, rec in enumerate(demo)]
    docs.append(document({"id": "cs-bare", "title": "x", "summary": ""}, 1))  # a nearly empty record: fields with no terms
    before = onedoc.written
    lean = _write(tmp_path / "lean", docs, lean=True)
    assert onedoc.written - before == len(docs)  # the lean path was taken for every segment
    whoosh = _write(tmp_path / "whoosh", docs, lean=False)
    assert onedoc.written - before == len(docs)  # ...and not for the reference
    assert sorted(lean) == sorted(whoosh) and len([n for n in lean if n.endswith(".pst")]) == len(docs)
    for name, data in lean.items():
        assert data == whoosh[name], name


def test_many_documents_use_whoosh(tmp_path):
    ix = windex.create_in(str(tmp_path), build_schema())
    before = onedoc.written
    writer = ix.writer()
    for rec in records(3, 5):
        writer.add_document(**document(rec, 1))
    writer.commit()
    assert onedoc.written == before
    with ix.searcher() as s:
        assert s.doc_count() == 3


def test_saved_record_found_replaced_and_deleted(search_library):
    """Through the service: the lean segments answer searches (found, old text gone, deleted gone)."""
    lib = search_library
    svc = lib.extensions["search"]
    case_id = lib.known["dental"]
    svc.search("fluoride")  # the index exists before the saves
    before = onedoc.written
    lib.update(case_id, {"summary": "zanzibarine flotilla"})
    assert [h["id"] for h in svc.search("zanzibarine flotilla")["hits"]] == [case_id]
    lib.update(case_id, {"summary": "quixotic estuary"})
    assert svc.search("zanzibarine")["total"] == 0
    assert [h["id"] for h in svc.search('"quixotic estuary"')["hits"]] == [case_id]
    lib.delete(case_id)
    assert svc.search('"quixotic estuary"')["total"] == 0
    assert onedoc.written - before == 2  # the delete writes no document
    assert svc.check()["ok"]
