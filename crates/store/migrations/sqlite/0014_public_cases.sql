-- Capability evaluations and star ratings as cases, with what they publish (SQLite).
-- Append-only: never edit a released migration, add the next one.

-- public_json: what the case publishes on the pages that need no sign-in
-- (tianping_case::public::PublicView as JSON), rebuilt with the state after every append;
-- NULL: nothing to publish.
ALTER TABLE cases ADD COLUMN public_json TEXT;

-- objections: raised by anyone on a capability result's public publicity page (004 6.4, 6.5).
-- The name, contact and text are the body's only; the case's event log records
-- objection_received with the id 'O-<id>' and no person. `source_hash` is the SHA-256 of the
-- raiser's network address, kept only to throttle.
CREATE TABLE objections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    received_on TEXT NOT NULL CHECK (received_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    contact TEXT NOT NULL CHECK (length(contact) BETWEEN 1 AND 200),
    text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),
    source_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX objections_case ON objections(case_id, id);
CREATE INDEX objections_source ON objections(source_hash, created_at);

-- expert_fields: the fields of a body's expert pool (004 7.2.2: 文化, 产业, 认证审核, 标准化),
-- kept by the body admin per person. `field` is tianping_domain::people::ExpertField.
CREATE TABLE expert_fields (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    field TEXT NOT NULL CHECK (field IN ('culture', 'industry', 'certification', 'standardization')),
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (user_id, field)
);
CREATE INDEX expert_fields_org ON expert_fields(org_id);

-- Reminders of what is due in capability and star cases as well. SQLite cannot change a
-- CHECK constraint: the table is rebuilt (nothing refers to it).
CREATE TABLE case_reminders_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL CHECK (kind IN ('supplement', 'plan_confirmation', 'contract', 'decision', 'certificate', 'correction', 'surveillance', 'suspend', 'withdraw', 'recertification', 'appeal', 'complaint', 'publicity_end', 'objection_ruling', 'reevaluation', 'confirmation', 'announcement', 'final_report', 'grade_expiry', 'supervision', 'lower_or_blacklist', 'star_award')),
    subject TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    stage TEXT NOT NULL CHECK (stage IN ('week', 'day')),
    sent_at TEXT NOT NULL,
    UNIQUE (case_id, kind, subject, due_on, stage)
);
INSERT INTO case_reminders_new (id, case_id, kind, subject, due_on, stage, sent_at)
    SELECT id, case_id, kind, subject, due_on, stage, sent_at FROM case_reminders;
DROP TABLE case_reminders;
ALTER TABLE case_reminders_new RENAME TO case_reminders;
