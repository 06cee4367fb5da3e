"""Beyond case studies and review data: saved searches marked shared, guide editions numbered once for the whole
team, and a reviewer's laptop that sends only what its PostgreSQL role may write. Real PostgreSQL, real SQLite,
real .docx exports."""

from __future__ import annotations

import json

import psycopg
import pytest

from curator.errors import CuratorError
from curator.history import now_iso
from curator.library import Library
from curator.review import assign, reviewers, scoring
from curator.search import saved
from curator.team import server, sync
from curator.team.access import ACCESS_SQL
from curator.word import editions
from curator.word.guide import export_guide
from tests.helpers import run_cli

SCORES = {"core20plus5_fit": 4, "impact": 3, "evaluation": 3, "co_production": 5, "replicability": 3,
          "sustainability": 2}


@pytest.fixture
def laptops(tmp_path, team_url):
    libs = [Library.open(tmp_path / name, daily_backup=False) for name in ("asha", "tom")]
    for lib in libs:
        sync.connect(lib, team_url)
    yield libs
    for lib in libs:
        lib.close()


def _save(lib: Library, name: str, query: str) -> None:
    with lib.store.transaction() as conn:
        conn.execute("INSERT INTO saved_searches (name, query, created) VALUES (?, ?, ?)", (name, query, now_iso()))


def _searches(lib: Library) -> dict[str, tuple[str, bool]]:
    return {s["name"]: (s["query"], s["shared"]) for s in saved.listed(lib.store)}


def test_only_saved_searches_marked_shared_reach_the_team(laptops):
    asha, tom = laptops
    _save(asha, "Barbers", "barber* OR barbershop")
    _save(asha, "My drafts", "status:draft")
    saved.share(asha.store, "barbers")  # names are matched as the sidebar shows them, any case
    sync.sync(asha)
    sync.sync(tom)
    assert _searches(tom) == {"Barbers": ("barber* OR barbershop", True)}

    # a change to its query travels; a rename is the old name gone and the new one shared
    with asha.store.transaction() as conn:
        conn.execute("UPDATE saved_searches SET query = 'barber*' WHERE name = 'Barbers'")
    saved.rename(asha.store, "Barbers", "Barbershops")
    sync.sync(asha)
    sync.sync(tom)
    assert _searches(tom) == {"Barbershops": ("barber*", True)}

    # no longer shared: taken out of the team's lists, kept where it was made
    saved.share(asha.store, "Barbershops", False)
    sync.sync(asha)
    sync.sync(tom)
    assert _searches(tom) == {}
    assert _searches(asha)["Barbershops"] == ("barber*", False)


def test_a_shared_search_never_overwrites_a_private_one_with_the_same_name(laptops):
    asha, tom = laptops
    _save(tom, "Boaters", "boat* AND canal")
    _save(asha, "Boaters", "boaters OR travellers")
    saved.share(asha.store, "Boaters")
    sync.sync(asha)
    report = sync.sync(tom)
    assert _searches(tom) == {"Boaters": ("boaters OR travellers", True),
                              "Boaters (mine)": ("boat* AND canal", False)}
    assert any("Boaters (mine)" in note for note in report.notes)


def _accepted(lib: Library, record: dict, title: str) -> dict:
    made, _ = lib.create(dict(record, title=title, status="accepted"))
    return made


def test_an_edition_exported_on_one_laptop_is_the_same_edition_on_the_others(laptops, sample_record, tmp_path):
    asha, tom = laptops
    first = _accepted(asha, sample_record, "Barbershop blood pressure checks")
    sync.sync(asha)
    sync.sync(tom)
    result = export_guide(asha, tmp_path / "asha-1.docx")
    assert result["edition"] == 1
    report = sync.sync(asha)
    assert report.editions_pushed == 1
    assert sync.sync(tom).editions_pulled == 1

    on_tom = editions.contents(tom, 1)
    on_asha = editions.contents(asha, 1)
    assert [r["id"] for r in on_tom["records"]] == [first["id"]]
    # the team's version of what went in is recorded, and is the same on both laptops
    assert on_tom["records"][0]["team_version"] == on_asha["records"][0]["team_version"] == 1
    assert on_tom["user"] == on_asha["user"] and on_tom["note"].startswith("From the team library")
    # Tom can write Asha's edition again, unchanged, and his next export is edition 2 with a change log
    again = export_guide(tom, tmp_path / "tom-1.docx", edition=1)
    assert again["edition"] == 1 and again["records"] == 1
    _accepted(tom, sample_record, "Community pharmacy health checks")
    assert export_guide(tom, tmp_path / "tom-2.docx")["edition"] == 2
    sync.sync(tom)
    sync.sync(asha)
    assert [e["edition"] for e in editions.list_editions(asha)] == [1, 2]


def test_two_offline_exports_of_the_same_number_are_both_kept_one_renumbered(laptops, sample_record, tmp_path,
                                                                            capsys):
    asha, tom = laptops
    _accepted(asha, sample_record, "Barbershop blood pressure checks")
    sync.sync(asha)
    sync.sync(tom)
    _accepted(tom, sample_record, "Community pharmacy health checks")
    # both offline: each exports what it sees as edition 1
    assert export_guide(asha, tmp_path / "asha.docx")["edition"] == 1
    assert export_guide(tom, tmp_path / "tom.docx")["edition"] == 1
    sync.sync(asha)
    report = sync.sync(tom)
    assert any("now edition 2" in note for note in report.notes)
    sync.sync(asha)
    for lib in (asha, tom):
        listed = editions.list_editions(lib)
        assert [e["edition"] for e in listed] == [1, 2]
        assert listed[0]["records"] == 1 and listed[1]["records"] == 2  # Asha's first, Tom's renumbered
    tom_2 = editions.contents(tom, 2)
    assert "its file's cover says 1" in tom_2["note"]
    def team_versions(lib: Library) -> list[tuple[str, int]]:
        return [(r["id"], r["team_version"]) for r in editions.contents(lib, 2)["records"]]

    assert team_versions(asha) == team_versions(tom) and all(v for _, v in team_versions(tom))
    # the CLI shows what went in
    result = run_cli(capsys, "--library", str(tom.folder), "--json", "guide", "editions", "--show", "2")
    shown = json.loads(result.out)
    assert result.code == 0 and shown["edition"] == 2 and len(shown["records"]) == 2


@pytest.fixture
def reviewer_login(team_url):
    with psycopg.connect(team_url, autocommit=True) as owner:
        server.migrate(owner)  # the administrator sets up the team database, then the roles
        owner.execute(ACCESS_SQL)
        owner.execute("DROP ROLE IF EXISTS ada_laptop")
        owner.execute("CREATE ROLE ada_laptop LOGIN IN ROLE curator_reviewer")
    base, _, query = team_url.partition("?")
    scheme, rest = base.split("://", 1)
    yield f"{scheme}://ada_laptop@{rest.split('@', 1)[1]}" + (f"?{query}" if query else "")
    with psycopg.connect(team_url, autocommit=True) as owner:
        owner.execute("REASSIGN OWNED BY ada_laptop TO CURRENT_USER")
        owner.execute("DROP OWNED BY ada_laptop")
        owner.execute("DROP ROLE ada_laptop")


def test_a_reviewers_laptop_sends_only_their_scores_and_keeps_the_rest(tmp_path, team_url, reviewer_login,
                                                                        sample_record):
    lead = Library.open(tmp_path / "lead", daily_backup=False)
    sync.connect(lead, team_url)
    mine, _ = lead.create(dict(sample_record, status="submitted"))
    other, _ = lead.create(dict(sample_record, title="Not assigned to Ada", status="submitted"))
    ada = reviewers.add(lead, "Dr Ada Example", "Leeds Teaching Hospitals NHS Trust")
    assign.assign(lead, mine["id"], ada.id)
    sync.sync(lead)
    with psycopg.connect(team_url, autocommit=True) as owner:
        owner.execute("INSERT INTO reviewer_logins (reviewer_id, login) VALUES (%s, 'ada_laptop')", (ada.id,))

    laptop = Library.open(tmp_path / "ada", daily_backup=False)
    sync.connect(laptop, reviewer_login)
    first = sync.sync(laptop)
    assert first.role == "reviewer"
    assert {r["id"] for r in laptop.iter_records()} == {mine["id"]}  # only what is assigned to her
    scoring.submit(laptop, mine["id"], ada.id, SCORES, "include", "Strong evidence")
    laptop.update(mine["id"], {"summary": "Ada's own note, which a reviewer cannot send"})
    report = sync.sync(laptop)  # does not fail on what the role may not write
    assert report.rows_pushed == 1 and report.pushed == 0 and report.held_back >= 1
    assert sync.status(laptop)["role"] == "reviewer"

    sync.sync(lead)
    [review] = scoring.reviews(lead, case=mine["id"])
    assert review["recommendation"] == "include"
    assert lead.get(mine["id"])["summary"] == sample_record["summary"]  # her local edit stayed on her laptop
    assert lead.get(other["id"])["title"] == "Not assigned to Ada"
    laptop.close()
    lead.close()


def test_sharing_an_unknown_search_or_showing_a_missing_edition_says_what_to_do_and_changes_nothing(tmp_path,
                                                                                                     capsys):
    lib = Library.open(tmp_path / "lib", daily_backup=False)
    _save(lib, "Barbers", "barber*")
    lib.close()
    result = run_cli(capsys, "--library", str(tmp_path / "lib"), "--json", "saved-search", "share", "Boaters")
    assert result.code == 2 and "no saved search called 'Boaters'" in result.out and "Barbers" in result.out
    assert "Traceback" not in result.err
    result = run_cli(capsys, "--library", str(tmp_path / "lib"), "--json", "guide", "editions", "--show", "4")
    assert result.code == 2 and "no guide edition 4" in result.out and "Traceback" not in result.err
    with Library.open(tmp_path / "lib", daily_backup=False) as again:
        assert _searches(again) == {"Barbers": ("barber*", False)}
        assert editions.list_editions(again) == []


def test_a_login_that_may_not_create_the_team_schema_is_told_to_ask_a_lead(tmp_path, team_url):
    with psycopg.connect(team_url, autocommit=True) as owner:
        owner.execute("DROP ROLE IF EXISTS not_a_lead")
        owner.execute("CREATE ROLE not_a_lead LOGIN")
        owner.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    base, _, query = team_url.partition("?")
    scheme, rest = base.split("://", 1)
    url = f"{scheme}://not_a_lead@{rest.split('@', 1)[1]}" + (f"?{query}" if query else "")
    lib = Library.open(tmp_path / "lib", daily_backup=False)
    try:
        with pytest.raises(CuratorError, match="ask a lead"):
            sync.connect(lib, url)
        assert sync.linked(lib) is None  # nothing half-linked
    finally:
        lib.close()
        with psycopg.connect(team_url, autocommit=True) as owner:
            owner.execute("DROP OWNED BY not_a_lead")
            owner.execute("DROP ROLE not_a_lead")
