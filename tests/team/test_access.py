"""Row-level security on the team database: a reviewer reads only what is assigned and writes only their own
scores; a read-only member writes nothing. Run against a real PostgreSQL with the SQL `team access-sql` prints."""

from __future__ import annotations

import psycopg
import pytest

from curator.library import Library
from curator.review import assign, reviewers
from curator.team import server, sync
from curator.team.access import ACCESS_SQL


def _as(url: str, role: str) -> psycopg.Connection:
    base, _, query = url.partition("?")
    scheme, rest = base.split("://", 1)
    return psycopg.connect(f"{scheme}://{role}@{rest.split('@', 1)[1]}?{query}", autocommit=True)


@pytest.fixture
def shared(tmp_path, team_url, sample_record):
    lead = Library.open(tmp_path / "lead", daily_backup=False)
    sync.connect(lead, team_url)
    mine, _ = lead.create(dict(sample_record, status="submitted"))
    other, _ = lead.create(dict(sample_record, title="Another case study nobody assigned", status="submitted"))
    ada = reviewers.add(lead, "Dr Ada Example", "Leeds Teaching Hospitals NHS Trust")
    bob = reviewers.add(lead, "Bob Other", "Somewhere NHS Trust")
    assign.assign(lead, mine["id"], ada.id)
    assign.assign(lead, other["id"], bob.id)
    sync.sync(lead)
    lead.close()
    with psycopg.connect(team_url, autocommit=True) as owner:
        owner.execute(ACCESS_SQL)
        for login, group in (("ada_login", "curator_reviewer"), ("reader_login", "curator_read")):
            owner.execute(f"DROP ROLE IF EXISTS {login}")
            owner.execute(f"CREATE ROLE {login} LOGIN IN ROLE {group}")
        owner.execute("INSERT INTO reviewer_logins (reviewer_id, login) VALUES (%s, 'ada_login')", (ada.id,))
    yield team_url, mine["id"], other["id"], ada.id, bob.id
    with psycopg.connect(team_url, autocommit=True) as owner:
        owner.execute("REASSIGN OWNED BY ada_login, reader_login TO CURRENT_USER")
        owner.execute("DROP OWNED BY ada_login, reader_login")
        owner.execute("DROP ROLE ada_login")
        owner.execute("DROP ROLE reader_login")


def test_a_reviewer_reads_only_assigned_case_studies(shared):
    url, mine, other, _ada, _bob = shared
    with _as(url, "ada_login") as conn:
        ids = {r[0] for r in conn.execute("SELECT id FROM cs_records")}
        assert ids == {mine}
        tables = {r[0] for r in conn.execute("SELECT DISTINCT tbl FROM shared_rows")}
        assert "review_assignments" in tables
        assert other not in {r[0] for r in conn.execute("SELECT case_id FROM shared_rows WHERE case_id IS NOT NULL")}


def test_a_reviewer_writes_only_their_own_scores(shared):
    url, mine, other, ada, bob = shared
    with _as(url, "ada_login") as conn:
        conn.execute(server.PUT_ROW, ("reviews", f'["{mine}", "{ada}"]', '{"scores": "{}"}', False, ada, mine))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(server.PUT_ROW, ("reviews", f'["{other}", "{bob}"]', "{}", False, bob, other))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(server.UPDATE, (None, "{}", mine, 1))  # no writing to case studies at all


def test_a_read_only_member_reads_everything_and_writes_nothing(shared):
    url, mine, other, _ada, _bob = shared
    with _as(url, "reader_login") as conn:
        assert {r[0] for r in conn.execute("SELECT id FROM cs_records")} == {mine, other}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(server.INSERT, ("cs-00000000aa", None, "{}"))
