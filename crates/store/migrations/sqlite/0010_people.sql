-- A certification body's people (SQLite): competence records and declared conflicts of
-- interest (8.1.4.1, 5.2). Append-only: never edit a released migration, add the next one.
-- New tables carry their CHECK constraints themselves.

-- competence_records: what the body admin recorded of a member of staff. `kind` is
-- tianping_domain::people::CompetenceKind; days are YYYY-MM-DD. A record removed by mistake
-- is deleted; the audit log keeps it.
CREATE TABLE competence_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('ccaa', 'eepc', 'business_area')),
    value TEXT NOT NULL,
    obtained_on TEXT CHECK (obtained_on IS NULL OR obtained_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    valid_until TEXT CHECK (valid_until IS NULL OR valid_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX competence_records_user ON competence_records(user_id, id);
CREATE INDEX competence_records_org ON competence_records(org_id, user_id);

-- conflict_declarations: a person may not take part in a client's certification, from the
-- declaration through `until_on` (absent: for good). Withdrawn declarations stay, marked.
CREATE TABLE conflict_declarations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    until_on TEXT CHECK (until_on IS NULL OR until_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    declared_on TEXT NOT NULL CHECK (declared_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    declared_by INTEGER NOT NULL REFERENCES users(id),
    declared_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by INTEGER REFERENCES users(id)
);
CREATE INDEX conflict_declarations_user ON conflict_declarations(user_id, id);
CREATE INDEX conflict_declarations_client ON conflict_declarations(org_id, enterprise_id);
