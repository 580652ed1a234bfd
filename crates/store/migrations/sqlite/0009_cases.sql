-- Cases as event logs (DESIGN I-16, I-17) (SQLite). Append-only: never edit a released
-- migration, add the next one.
--
-- A case is one procedure of one enterprise with one body. Its events are the truth; the
-- columns `state`, `certificate_number` and `valid_until` of `cases` are a cache of their
-- fold for lists and are rewritten after every append (they can be rebuilt). `header_json`
-- keeps the people an imported history described.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('certification', 'capability', 'stars')),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    header_json TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'new',
    certificate_number TEXT,
    valid_until TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX cases_org ON cases(org_id);
CREATE INDEX cases_enterprise ON cases(enterprise_id);

-- One row per event, numbered from 0 within its case; `data_json` is the event's JSON line
-- (type, date and fields). Who entered it and when are the app's record (I-16).
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    type TEXT NOT NULL,
    date TEXT NOT NULL,
    data_json TEXT NOT NULL,
    entered_by INTEGER REFERENCES users(id),
    entered_at TEXT NOT NULL,
    UNIQUE (case_id, seq)
);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;

-- Files of a case: the application's documents a)–i) of 8.1.1, the contract, evidence of a
-- correction. The bytes are in `blobs`.
CREATE TABLE case_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX case_files_case ON case_files(case_id);

-- The checklist assessment (eepc-certification) that scores an audit of a case.
CREATE TABLE case_audits (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    audit TEXT NOT NULL,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    PRIMARY KEY (case_id, audit)
);

-- Certificate numbers (I-21): a body's pattern and its sequence. The sequence is raised in
-- the issuing transaction, so that several server processes never hand out the same number;
-- `certificates` keeps every number ever issued, unique.
CREATE TABLE certificate_series (
    org_id INTEGER PRIMARY KEY REFERENCES orgs(id),
    pattern TEXT NOT NULL,
    next_seq INTEGER NOT NULL DEFAULT 1 CHECK (next_seq >= 1)
);
CREATE TABLE certificates (
    number TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    issued_on TEXT NOT NULL
);
CREATE INDEX certificates_case ON certificates(case_id);
