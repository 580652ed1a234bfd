-- A save of one answer (or a few) stores the figures and the pack at once and leaves the
-- explanation (result_json) to be rebuilt when it is next read: at 5,900 items the
-- explanation is 2 MB and rebuilding it on every save cost eight times a small save.
-- 1 = result_json is from an earlier revision and must not be shown as it is.
ALTER TABLE assessments ADD COLUMN explanation_stale INTEGER NOT NULL DEFAULT 0;
