-- Submitting with care and withdrawing (PostgreSQL). Append-only: never edit a released
-- migration, add the next one.
--
-- `submitted_at` and `submitted_by` (0001) record the submission in force, or the one that
-- was withdrawn. `submitted_last_version` is the highest answer_versions.id of the
-- assessment when it was submitted (0 when it had none): a version with a higher id was
-- written after the submission, and one written by staff means the body has acted on it
-- (crates/domain/src/submission.rs). `withdrawn_at` and `withdrawn_by` are set when the
-- last submission was withdrawn (the assessment is a draft again) and cleared when it is
-- submitted again; the audit log keeps every submission and withdrawal.
ALTER TABLE assessments ADD COLUMN submitted_last_version BIGINT;
ALTER TABLE assessments ADD COLUMN withdrawn_at TEXT;
ALTER TABLE assessments ADD COLUMN withdrawn_by BIGINT REFERENCES users(id);

-- Who and when of a withdrawal go together, and a withdrawn assessment is a draft.
ALTER TABLE assessments ADD CONSTRAINT assessments_withdrawn_check CHECK (
    (withdrawn_at IS NULL) = (withdrawn_by IS NULL)
    AND (withdrawn_at IS NULL OR status = 'draft')
);
