"""Two and three local libraries sync through one real PostgreSQL server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from curator.errors import CuratorError
from curator.library import Library
from curator.team import sync
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def laptops(tmp_path, team_url):
    libs = [Library.open(tmp_path / name, daily_backup=False) for name in ("asha", "tom", "jo")]
    for lib in libs:
        sync.connect(lib, team_url)
    yield libs
    for lib in libs:
        lib.close()


def _titles(lib: Library) -> set[str]:
    return {r["title"] for r in lib.iter_records()}


def test_a_record_made_on_one_laptop_reaches_the_others(laptops, sample_record):
    asha, tom, jo = laptops
    record, _ = asha.create(sample_record)
    assert sync.sync(asha).pushed == 1
    sync.sync(tom)
    sync.sync(jo)
    assert tom.get(record["id"])["title"] == sample_record["title"]
    assert jo.get(record["id"]) == tom.get(record["id"])
    assert sync.status(tom)["to_push"] == 0 and sync.status(tom)["to_pull"] == 0
    # history on the receiving laptop says where the change came from
    assert tom.history(record["id"])[-1]["label"].startswith("Sync from team library")


def test_different_fields_edited_on_two_laptops_merge(laptops, sample_record):
    asha, tom, _ = laptops
    record, _ = asha.create(sample_record)
    sync.sync(asha)
    sync.sync(tom)
    asha.update(record["id"], {"summary": "Asha's new summary of the barbers' work."})
    tom.update(record["id"], {"partners": ["Local barbers", "Tom's new partner"]})
    sync.sync(asha)
    report = sync.sync(tom)
    assert report.conflicts == [] and record["id"] in report.merged
    sync.sync(asha)
    for lib in (asha, tom):
        got = lib.get(record["id"])
        assert got["summary"] == "Asha's new summary of the barbers' work."
        assert got["partners"] == ["Local barbers", "Tom's new partner"]


def test_the_same_field_edited_on_both_sides_is_a_conflict_until_resolved(laptops, sample_record, capsys):
    asha, tom, _ = laptops
    record, _ = asha.create(sample_record)
    sync.sync(asha)
    sync.sync(tom)
    asha.update(record["id"], {"summary": "Asha's summary."})
    tom.update(record["id"], {"summary": "Tom's summary.", "year": 2024})
    sync.sync(asha)
    report = sync.sync(tom)
    assert report.conflicts == [record["id"]]
    got = tom.get(record["id"])
    assert got["summary"] == "Tom's summary." and got["year"] == 2024  # mine kept until chosen; year merged
    result = run_cli(capsys, "--library", str(tom.folder), "--json", "team", "conflicts")
    [conflict] = result.json["conflicts"]
    assert conflict["fields"] == [{"field": "summary", "mine": "Tom's summary.", "theirs": "Asha's summary."}]
    # a conflicting case study is not pushed until it is resolved
    assert record["id"] not in sync.outgoing(tom)
    result = run_cli(capsys, "--library", str(tom.folder), "--json", "team", "resolve", record["id"],
                     "summary=Agreed summary.")
    assert result.code == 0, result.err
    sync.sync(tom)
    sync.sync(asha)
    assert asha.get(record["id"])["summary"] == "Agreed summary." and asha.get(record["id"])["year"] == 2024
    # both versions stay in the history of the laptop that had the conflict
    summaries = {json.dumps(h.get("after"), ensure_ascii=False) for h in tom.history(record["id"])}
    assert any("Tom's summary." in s for s in summaries) and any("Agreed summary." in s for s in summaries)


def test_take_theirs_resolves_every_conflicting_field(laptops, sample_record):
    asha, tom, _ = laptops
    record, _ = asha.create(sample_record)
    sync.sync(asha)
    sync.sync(tom)
    asha.update(record["id"], {"summary": "Asha's summary."})
    tom.update(record["id"], {"summary": "Tom's summary."})
    sync.sync(asha)
    sync.sync(tom)
    sync.resolve(tom, record["id"], "theirs")
    sync.sync(tom)
    assert tom.get(record["id"])["summary"] == "Asha's summary."
    assert sync.conflicts(tom) == []


def test_offline_edits_sync_later(laptops, sample_record, monkeypatch):
    asha, tom, _ = laptops
    record, _ = asha.create(sample_record)
    sync.sync(asha)
    sync.sync(tom)
    good_url = sync.linked(tom)["url"]
    with tom.store.transaction():  # the server is unreachable: a dead socket folder
        tom.store.conn.execute("UPDATE team_link SET url = ?", ("postgresql://nobody@/x?host=/nonexistent",))
    tom.update(record["id"], {"summary": "Written on the train."})
    with pytest.raises(CuratorError, match="cannot reach the team database"):
        sync.sync(tom)
    status = sync.status(tom)
    assert status["online"] is False and status["to_push"] == 1 and "offline_reason" in status
    with tom.store.transaction():
        tom.store.conn.execute("UPDATE team_link SET url = ?", (good_url,))
    sync.sync(tom)
    sync.sync(asha)
    assert asha.get(record["id"])["summary"] == "Written on the train."


def test_deletes_travel_and_a_delete_against_an_edit_keeps_the_edit(laptops, sample_record):
    asha, tom, jo = laptops
    first, _ = asha.create(sample_record)
    second, _ = asha.create(dict(sample_record, title="Second case study about asthma in schools"))
    sync.sync(asha)
    sync.sync(tom)
    sync.sync(jo)
    asha.delete(first["id"])
    sync.sync(asha)
    sync.sync(jo)
    assert jo.is_deleted(first["id"])
    # deleted on one side, edited on the other: the edit is kept and the conflict asks
    asha.delete(second["id"])
    tom.update(second["id"], {"summary": "Tom kept working on it."})
    sync.sync(asha)
    report = sync.sync(tom)
    assert second["id"] in report.conflicts and not tom.is_deleted(second["id"])
    assert sync.conflicts(tom)[0]["kind"] == "deleted_theirs"
    sync.resolve(tom, second["id"], "mine")
    sync.sync(tom)
    sync.sync(asha)
    assert not asha.is_deleted(second["id"]) and asha.get(second["id"])["summary"] == "Tom kept working on it."


def test_the_password_is_never_kept_in_the_library(tmp_path, team_url, monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):  # stands in for Windows Credential Manager in this test
        priority = 1
        stored: dict = {}

        def set_password(self, service, username, password):
            self.stored[(service, username)] = password

        def get_password(self, service, username):
            return self.stored.get((service, username))

        def delete_password(self, service, username):
            self.stored.pop((service, username), None)

    monkeypatch.setattr(keyring, "get_keyring", lambda: MemoryKeyring())
    keyring.set_keyring(MemoryKeyring())
    lib = Library.open(tmp_path / "lib", daily_backup=False)
    user_part = team_url.split("://", 1)[1].split("@", 1)
    with_password = f"postgresql://{user_part[0]}:s3cret-pw@{user_part[1]}"
    result = sync.connect(lib, with_password)
    assert result["password_kept"] is True
    lib.close()
    raw = (tmp_path / "lib" / "curator.db").read_bytes()
    assert b"s3cret-pw" not in raw
    assert MemoryKeyring.stored and "s3cret-pw" in MemoryKeyring.stored.values()


def test_a_sync_killed_midway_leaves_both_sides_consistent(tmp_path, team_url, demo_records):
    import psycopg

    asha = Library.open(tmp_path / "asha", daily_backup=False)
    sync.connect(asha, team_url)
    copies = [_item({**demo_records[n % len(demo_records)], "id": None,
                     "title": f"Copy {n} of {demo_records[n % len(demo_records)]['title']}"})
              for n in range(3 * sync.BATCH)]  # several push batches, so a kill can fall between two
    report = asha.import_records(copies, on_duplicate="keep")
    assert not report.refused
    total = asha.count()
    asha.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    killed_between = False
    with psycopg.connect(team_url, autocommit=True) as server:
        for _trial in range(3):
            proc = subprocess.Popen([sys.executable, "-m", "curator", "--library", str(tmp_path / "asha"), "team",
                                     "sync"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            seen = 0
            while proc.poll() is None and time.monotonic() < deadline:
                seen = server.execute("SELECT count(*) FROM cs_records").fetchone()[0]
                if seen > 0:
                    break
                time.sleep(0.01)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            seen = server.execute("SELECT count(*) FROM cs_records").fetchone()[0]
            killed_between = killed_between or 0 < seen < total
            if seen == total:
                break
    assert killed_between, "no kill landed between two push batches; the test proved nothing"
    result = subprocess.run([sys.executable, "-m", "curator", "--library", str(tmp_path / "asha"), "--json",
                             "team", "sync"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    asha = Library.open(tmp_path / "asha", daily_backup=False)
    try:
        assert asha.check()["ok"]
        status = sync.status(asha)
        assert status["to_push"] == 0 and status["to_pull"] == 0
        tom = Library.open(tmp_path / "tom", daily_backup=False)
        sync.connect(tom, team_url)
        sync.sync(tom)
        assert tom.count() == total == asha.count()
        assert {r["id"]: r for r in tom.iter_records()} == {r["id"]: r for r in asha.iter_records()}
        tom.close()
    finally:
        asha.close()


def _item(record):
    from curator.importers import ImportItem

    return ImportItem(source="demo", raw=dict(record))


def test_attachments_travel_with_their_case_study(laptops, sample_record):
    import hashlib

    asha, tom, _ = laptops
    record, _ = asha.create(sample_record)
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    digest = hashlib.sha256(picture).hexdigest()
    (asha.attachments_dir / digest).write_bytes(picture)
    asha.update(record["id"], {"attachments": [{"name": "barbers.png", "sha256": digest}]})
    sync.sync(asha)
    sync.sync(tom)
    assert (tom.attachments_dir / digest).read_bytes() == picture
    assert tom.get(record["id"])["attachments"][0]["name"] == "barbers.png"


SCORES = {"core20plus5_fit": 4, "impact": 3, "evaluation": 3, "co_production": 5, "replicability": 3,
          "sustainability": 2}


def test_review_data_travels_reviewers_assignments_scores_decisions(laptops, sample_record):
    from curator.review import assign, decisions, reviewers, scoring

    asha, tom, jo = laptops
    record, _ = asha.create(dict(sample_record, status="submitted"))
    reviewer = reviewers.add(asha, "Dr Ada Example", "Leeds Teaching Hospitals NHS Trust")
    assign.assign(asha, record["id"], reviewer.id)
    report = sync.sync(asha)
    assert report.rows_pushed >= 2
    sync.sync(tom)
    assert [r.name for r in reviewers.list_reviewers(tom)] == ["Dr Ada Example"]
    assert assign.assignments(tom, case=record["id"])
    # the reviewer scores on Tom's laptop; the chair (Asha) sees it after syncing
    scoring.submit(tom, record["id"], reviewer.id, SCORES, "include", "Strong evidence")
    sync.sync(tom)
    sync.sync(asha)
    [review] = scoring.reviews(asha, case=record["id"])
    assert review["scores"] == SCORES or json.loads(review["scores"]) == SCORES
    assert asha.get(record["id"])["status"] == "in_review"  # the score, synced, moved it on
    decisions.decide(asha, record["id"], "accept", "Panel agreed")
    sync.sync(asha)
    sync.sync(jo)
    assert jo.get(record["id"])["status"] == "accepted"
    assert jo.store.scalar("SELECT count(*) FROM review_decisions WHERE case_id = ?", (record["id"],)) == 1
