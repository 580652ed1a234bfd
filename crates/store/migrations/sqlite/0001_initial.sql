-- Tianping schema, SQLite. Migrations are append-only: never edit a released file, add a new one.
CREATE TABLE orgs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uscc TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    registered_address TEXT NOT NULL DEFAULT '',
    operating_address TEXT NOT NULL DEFAULT '',
    legal_representative TEXT NOT NULL DEFAULT '',
    industry_code TEXT NOT NULL DEFAULT '',
    headcount INTEGER NOT NULL DEFAULT 0,
    enterprise_type TEXT,
    category TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    headcount INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sites_enterprise ON sites(enterprise_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    org_id INTEGER REFERENCES orgs(id),
    enterprise_id INTEGER REFERENCES enterprises(id),
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    org_id INTEGER REFERENCES orgs(id),
    role TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    invited_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);

CREATE TABLE engagements (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, enterprise_id)
);

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    org_id INTEGER REFERENCES orgs(id),
    scheme TEXT NOT NULL,
    variant TEXT,
    profile_name TEXT,
    profile_text TEXT,
    profile_hash TEXT,
    mode TEXT NOT NULL,
    title TEXT NOT NULL,
    current_stars INTEGER NOT NULL DEFAULT 0,
    first_application INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'draft',
    revision INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    submitted_by INTEGER REFERENCES users(id),
    scheme_version TEXT,
    engine_version TEXT,
    result_json TEXT,
    score REAL,
    grade TEXT,
    stars INTEGER,
    result_at TEXT
);
CREATE INDEX assessments_enterprise ON assessments(enterprise_id);
CREATE INDEX assessments_org ON assessments(org_id);

CREATE TABLE answers (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    indicator_id TEXT NOT NULL,
    value_json TEXT,
    note TEXT NOT NULL DEFAULT '',
    source TEXT,
    revision INTEGER NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, indicator_id)
);

CREATE TABLE answer_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    indicator_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    value_json TEXT,
    note TEXT NOT NULL DEFAULT '',
    source TEXT,
    expert_id INTEGER REFERENCES users(id),
    changed_by INTEGER NOT NULL REFERENCES users(id),
    changed_at TEXT NOT NULL
);
CREATE INDEX answer_versions_item ON answer_versions(assessment_id, indicator_id);

CREATE TABLE assignments (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    indicator_id TEXT NOT NULL,
    expert_id INTEGER NOT NULL REFERENCES users(id),
    assigned_by INTEGER NOT NULL REFERENCES users(id),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, indicator_id, expert_id)
);
CREATE INDEX assignments_expert ON assignments(expert_id);

CREATE TABLE expert_scores (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    indicator_id TEXT NOT NULL,
    expert_id INTEGER NOT NULL REFERENCES users(id),
    value REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, indicator_id, expert_id)
);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    indicator_id TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX evidence_item ON evidence(assessment_id, indicator_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
