-- Verification of self-declared answers and the enterprise's disputed proposals (I-6, I-20),
-- SQLite. Append-only: never edit a released migration, add the next one.
--
-- A verification writes the answer again (a new answer version, verified) and records here
-- who verified it, when, the value before and after, and the note. The current answer is
-- verified by the row whose revision is the answer's revision.
--
-- A proposal is an enterprise's value kept beside a protected answer (platform data, on-site
-- or verified) instead of replacing it; a reviewer of the body accepts it (it becomes the
-- answer, verified) or rejects it with a note. New tables take their CHECK constraints
-- directly (only adding one to an existing table needs triggers on SQLite).
CREATE TABLE answer_proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    indicator_id TEXT NOT NULL,
    value_json TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('self', 'platform', 'third_party', 'onsite', 'expert')),
    note TEXT NOT NULL DEFAULT '',
    held_json TEXT,
    held_source TEXT CHECK (held_source IS NULL OR held_source IN ('self', 'platform', 'third_party', 'onsite', 'expert')),
    held_by INTEGER REFERENCES users(id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected', 'superseded')),
    proposed_by INTEGER NOT NULL REFERENCES users(id),
    proposed_at TEXT NOT NULL,
    resolved_by INTEGER REFERENCES users(id),
    resolved_at TEXT,
    resolution_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX answer_proposals_item ON answer_proposals(assessment_id, indicator_id);

CREATE TABLE answer_verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    indicator_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    value_before TEXT,
    value_after TEXT NOT NULL,
    corrected INTEGER NOT NULL CHECK (corrected IN (0, 1)),
    note TEXT NOT NULL DEFAULT '',
    proposal_id INTEGER REFERENCES answer_proposals(id),
    verified_by INTEGER NOT NULL REFERENCES users(id),
    verified_at TEXT NOT NULL
);
CREATE INDEX answer_verifications_item ON answer_verifications(assessment_id, indicator_id);
