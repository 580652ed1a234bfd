-- Staff management, identity change requests and audit log queries (SQLite). Append-only:
-- never edit a released migration, add the next one.

-- An invitation can be revoked while unused; a revoked link is refused.
ALTER TABLE invitations ADD COLUMN revoked_at TEXT;
ALTER TABLE invitations ADD COLUMN revoked_by INTEGER REFERENCES users(id);

-- Once an enterprise's identity is locked (an assessment submitted or a body engaged), a
-- change of its credit code or name is a request that an admin of an engaged body decides.
-- A new table can carry its CHECK constraints itself (the triggers of 0002 exist only
-- because SQLite cannot add one to an existing table).
CREATE TABLE identity_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    old_uscc TEXT NOT NULL,
    old_name TEXT NOT NULL,
    new_uscc TEXT NOT NULL,
    new_name TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX identity_requests_enterprise ON identity_requests(enterprise_id, id);
-- at most one pending request per enterprise
CREATE UNIQUE INDEX identity_requests_one_pending ON identity_requests(enterprise_id)
    WHERE status = 'pending';

-- The audit log page and API filter in the database, newest first.
CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, seq);
CREATE INDEX audit_log_action ON audit_log(action, seq);
CREATE INDEX audit_log_at ON audit_log(at);

-- Staff by organisation (administration pages, counting active admins).
CREATE INDEX users_org ON users(org_id);
