"""Who may do what on the team database: the SQL an administrator runs once (``team access-sql``).

Three group roles; each person logs in as their own role, a member of one of them:
- ``curator_lead`` reads and writes everything;
- ``curator_reviewer`` reads only the case studies assigned to them, the reviewers and rubrics, and their own
  assignments and scores, and writes only their own scores (row-level security, through ``reviewer_logins``);
- ``curator_read`` reads everything and writes nothing.
The SQL is idempotent: run it again after an upgrade of the team schema.
"""

from __future__ import annotations

_MINE = "(SELECT reviewer_id FROM reviewer_logins WHERE login = current_user)"

ACCESS_SQL = f"""-- Curator team library: roles and row-level security (run as the owner of the team database)
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'curator_lead') THEN CREATE ROLE curator_lead NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'curator_reviewer') THEN CREATE ROLE curator_reviewer NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'curator_read') THEN CREATE ROLE curator_read NOLOGIN; END IF;
END $$;
GRANT USAGE ON SCHEMA public TO curator_lead, curator_reviewer, curator_read;
GRANT SELECT ON curator_meta, reviewer_logins TO curator_lead, curator_reviewer, curator_read;
GRANT USAGE, SELECT ON SEQUENCE curator_change_seq TO curator_lead, curator_reviewer;
GRANT SELECT, INSERT, UPDATE ON cs_records, cs_versions, attachments, shared_rows TO curator_lead;
GRANT SELECT ON cs_records, cs_versions, attachments, shared_rows TO curator_read;
GRANT SELECT ON cs_records, attachments TO curator_reviewer;
GRANT SELECT, INSERT, UPDATE ON shared_rows TO curator_reviewer;
ALTER TABLE cs_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE shared_rows ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS lead_all ON cs_records;
DROP POLICY IF EXISTS read_all ON cs_records;
DROP POLICY IF EXISTS reviewer_assigned ON cs_records;
DROP POLICY IF EXISTS lead_all ON shared_rows;
DROP POLICY IF EXISTS read_all ON shared_rows;
DROP POLICY IF EXISTS reviewer_read ON shared_rows;
DROP POLICY IF EXISTS reviewer_insert ON shared_rows;
DROP POLICY IF EXISTS reviewer_update ON shared_rows;
CREATE POLICY lead_all ON cs_records TO curator_lead USING (true) WITH CHECK (true);
CREATE POLICY read_all ON cs_records FOR SELECT TO curator_read USING (true);
CREATE POLICY reviewer_assigned ON cs_records FOR SELECT TO curator_reviewer USING (EXISTS (
  SELECT 1 FROM shared_rows a WHERE a.tbl = 'review_assignments' AND NOT a.deleted AND a.case_id = cs_records.id
  AND a.reviewer_id IN {_MINE}));
CREATE POLICY lead_all ON shared_rows TO curator_lead USING (true) WITH CHECK (true);
CREATE POLICY read_all ON shared_rows FOR SELECT TO curator_read USING (true);
CREATE POLICY reviewer_read ON shared_rows FOR SELECT TO curator_reviewer
  USING (tbl IN ('reviewers', 'rubrics') OR reviewer_id IN {_MINE});
CREATE POLICY reviewer_insert ON shared_rows FOR INSERT TO curator_reviewer
  WITH CHECK (tbl = 'reviews' AND reviewer_id IN {_MINE});
CREATE POLICY reviewer_update ON shared_rows FOR UPDATE TO curator_reviewer
  USING (tbl = 'reviews' AND reviewer_id IN {_MINE}) WITH CHECK (tbl = 'reviews' AND reviewer_id IN {_MINE});
-- then, per person (examples):
--   CREATE ROLE asha_patel LOGIN PASSWORD '...' IN ROLE curator_lead;
--   CREATE ROLE ada_example LOGIN PASSWORD '...' IN ROLE curator_reviewer;
--   INSERT INTO reviewer_logins (reviewer_id, login) VALUES ('rv-1a2b3c', 'ada_example');
"""
