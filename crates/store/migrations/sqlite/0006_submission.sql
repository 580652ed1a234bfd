-- Submitting with care and withdrawing (SQLite). Append-only: never edit a released
-- migration, add the next one.
--
-- `submitted_at` and `submitted_by` (0001) record the submission in force, or the one that
-- was withdrawn. `submitted_last_version` is the highest answer_versions.id of the
-- assessment when it was submitted (0 when it had none): a version with a higher id was
-- written after the submission, and one written by staff means the body has acted on it
-- (crates/domain/src/submission.rs). `withdrawn_at` and `withdrawn_by` are set when the
-- last submission was withdrawn (the assessment is a draft again) and cleared when it is
-- submitted again; the audit log keeps every submission and withdrawal.
ALTER TABLE assessments ADD COLUMN submitted_last_version INTEGER;
ALTER TABLE assessments ADD COLUMN withdrawn_at TEXT;
ALTER TABLE assessments ADD COLUMN withdrawn_by INTEGER REFERENCES users(id);

-- SQLite cannot add a CHECK constraint to an existing table: a pair of triggers each that
-- abort like a failed CHECK. Who and when of a withdrawal go together, and a withdrawn
-- assessment is a draft.
CREATE TRIGGER assessments_withdrawn_check_ins BEFORE INSERT ON assessments
WHEN NOT ((NEW.withdrawn_at IS NULL) = (NEW.withdrawn_by IS NULL)
          AND (NEW.withdrawn_at IS NULL OR NEW.status = 'draft'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: assessments.withdrawn'); END;
CREATE TRIGGER assessments_withdrawn_check_upd BEFORE UPDATE OF withdrawn_at, withdrawn_by, status ON assessments
WHEN NOT ((NEW.withdrawn_at IS NULL) = (NEW.withdrawn_by IS NULL)
          AND (NEW.withdrawn_at IS NULL OR NEW.status = 'draft'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: assessments.withdrawn'); END;
