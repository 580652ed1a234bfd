-- Packed answers and bulk re-grading (issue 14, DESIGN I-24; SQLite). Append-only: never
-- edit a released migration, add the next one.
--
-- answer_packs: one row per scored assessment, written in the transaction that stores its
-- result: the plan's leaf values (tianping_core::pack: little-endian f64, -1 = no answer,
-- -(v+1) = an answer of v that does not count). The per-answer rows (answers,
-- answer_versions) stay the history; `tianping regrade` reads only the pack.
-- answer_layouts: the indicator ids a pack's positions stand for, one per line, named by
-- the SHA-256 of that text (kept once per plan). No foreign key: a pack whose layout is
-- missing is re-derived from its answers.
-- Existing results are packed by the application after this migration (app::packs).
CREATE TABLE answer_layouts (
    digest TEXT PRIMARY KEY,
    ids TEXT NOT NULL
);

CREATE TABLE answer_packs (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id),
    layout TEXT NOT NULL,
    pack BLOB NOT NULL
);

-- regrade_runs: one `tianping regrade` run and how far it got (the last assessment id done,
-- committed with each batch), so an interrupted run goes on where it stopped.
CREATE TABLE regrade_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme TEXT NOT NULL DEFAULT '',
    verify INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    last_id INTEGER NOT NULL DEFAULT 0,
    checked INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    finished_at TEXT
);
