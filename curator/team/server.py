"""The team database on PostgreSQL: its schema, migrations and the statements sync uses.

Each case study is one row holding the whole record as JSON text (exactly as written, so nothing is reordered or
lost), a ``version`` that counts its changes, and ``seq``, a server-wide change number. A client remembers the
last ``seq`` it has pulled, and pushes with optimistic concurrency (``WHERE version = base``). Pushes take one
advisory lock so change numbers become visible in order: a reader never skips a number committed late. Every
version ever pushed stays in ``cs_versions``, so nothing is lost on the server either.
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 2
PUSH_LOCK = 0x43555241  # pg_advisory_xact_lock key: 'CURA'

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE IF NOT EXISTS curator_meta (key text PRIMARY KEY, value text NOT NULL)",
        "CREATE SEQUENCE IF NOT EXISTS curator_change_seq",
        """CREATE TABLE IF NOT EXISTS cs_records (
            id text PRIMARY KEY CHECK (id ~ '^cs-[0-9a-f]{6,32}$'),
            version integer NOT NULL CHECK (version > 0),
            seq bigint NOT NULL,
            deleted text,
            record text NOT NULL,
            changed_by text NOT NULL DEFAULT current_user,
            changed_at timestamptz NOT NULL DEFAULT now()
        )""",
        "CREATE INDEX IF NOT EXISTS cs_records_seq ON cs_records (seq)",
        """CREATE TABLE IF NOT EXISTS cs_versions (
            id text NOT NULL,
            version integer NOT NULL,
            deleted text,
            record text NOT NULL,
            changed_by text NOT NULL DEFAULT current_user,
            changed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (id, version)
        )""",
        """CREATE TABLE IF NOT EXISTS attachments (
            sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            content bytea NOT NULL
        )""",
    ),
    (
        # review data and other shared rows: one row per (table, key), last writer wins per row; reviewer_id and
        # case_id are copied out so row-level security can decide who sees and writes what
        """CREATE TABLE IF NOT EXISTS shared_rows (
            tbl text NOT NULL,
            key text NOT NULL,
            seq bigint NOT NULL,
            data text NOT NULL,
            deleted boolean NOT NULL DEFAULT false,
            reviewer_id text,
            case_id text,
            changed_by text NOT NULL DEFAULT current_user,
            changed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tbl, key)
        )""",
        "CREATE INDEX IF NOT EXISTS shared_rows_seq ON shared_rows (seq)",
        # which PostgreSQL login is which reviewer (kept by the administrator, see docs/team.md)
        """CREATE TABLE IF NOT EXISTS reviewer_logins (
            reviewer_id text PRIMARY KEY,
            login name NOT NULL UNIQUE
        )""",
    ),
)

PULL_ROWS = "SELECT tbl, key, seq, data, deleted FROM shared_rows WHERE seq > %s ORDER BY seq LIMIT %s"
PUT_ROW = ("INSERT INTO shared_rows (tbl, key, seq, data, deleted, reviewer_id, case_id) "
           "VALUES (%s, %s, nextval('curator_change_seq'), %s, %s, %s, %s) ON CONFLICT (tbl, key) DO UPDATE SET "
           "seq = excluded.seq, data = excluded.data, deleted = excluded.deleted, reviewer_id = excluded.reviewer_id,"
           " case_id = excluded.case_id, changed_by = current_user, changed_at = now()")

PUT_NEW_ROW = ("INSERT INTO shared_rows (tbl, key, seq, data) VALUES (%s, %s, nextval('curator_change_seq'), %s) "
               "ON CONFLICT (tbl, key) DO NOTHING RETURNING seq")
GET_ROW = "SELECT data FROM shared_rows WHERE tbl = %s AND key = %s"
MAX_EDITION = "SELECT coalesce(max(key::integer), 0) FROM shared_rows WHERE tbl = %s"

PULL = ("SELECT id, version, seq, deleted, record FROM cs_records WHERE seq > %s ORDER BY seq LIMIT %s")
UPDATE = ("UPDATE cs_records SET version = version + 1, seq = nextval('curator_change_seq'), deleted = %s, "
          "record = %s, changed_by = current_user, changed_at = now() WHERE id = %s AND version = %s "
          "RETURNING version, seq")
INSERT = ("INSERT INTO cs_records (id, version, seq, deleted, record) "
          "VALUES (%s, 1, nextval('curator_change_seq'), %s, %s) ON CONFLICT (id) DO NOTHING RETURNING version, seq")
KEEP_VERSION = "INSERT INTO cs_versions (id, version, deleted, record) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING"


def _schema(conn: Any) -> int | None:
    """The team schema's version, or None before the first connect (no ``curator_meta`` yet)."""
    if conn.execute("SELECT to_regclass('curator_meta')").fetchone()[0] is None:
        return None
    row = conn.execute("SELECT value FROM curator_meta WHERE key = 'schema'").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: Any) -> int:
    """Create or update the team schema (first connect creates it); returns the schema version.

    An advisory lock makes two laptops connecting for the first time at once take turns. A schema already
    current is only read, so reviewers and readers, who may not create tables, connect too."""
    import psycopg

    from ..errors import CuratorError

    current = _schema(conn)
    if current == SCHEMA_VERSION:
        return SCHEMA_VERSION
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (PUSH_LOCK + 1,))
            conn.execute("CREATE TABLE IF NOT EXISTS curator_meta (key text PRIMARY KEY, value text NOT NULL)")
            current = _schema(conn) or 0
            if current > SCHEMA_VERSION:
                raise CuratorError(f"the team database was set up by a newer Curator (schema {current}, this one "
                                   f"knows {SCHEMA_VERSION}); update Curator on this laptop before syncing")
            for number in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    conn.execute(statement)
            conn.execute("INSERT INTO curator_meta (key, value) VALUES ('schema', %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(SCHEMA_VERSION),))
    except psycopg.errors.InsufficientPrivilege as err:
        raise CuratorError("the team database is not set up for this Curator yet, and your login may not set it "
                           "up; ask a lead or whoever runs the team database to connect first (or to run the "
                           "SQL from 'team access-sql')") from err
    return SCHEMA_VERSION


def latest_seq(conn: Any) -> int:
    row = conn.execute("SELECT coalesce(max(seq), 0) FROM cs_records").fetchone()
    return int(row[0])


def count_after(conn: Any, seq: int) -> int:
    return int(conn.execute("SELECT count(*) FROM cs_records WHERE seq > %s", (seq,)).fetchone()[0])
