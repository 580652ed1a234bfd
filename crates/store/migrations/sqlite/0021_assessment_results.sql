-- A stored result's text (its explanation: 112 KB at 331 items, 2 MB at 5,900) in a table of
-- its own, one row per assessment. In the assessment's row, SQLite wrote the whole text again
-- on every update of the row (a save's revision and figures) and walked its overflow pages to
-- read any column stored after it (score, grade, the stale flag, the sequence number); the
-- row of an assessment is now small on both databases. result_seq stays with the assessment
-- and is bumped with every write of the text (0020).
CREATE TABLE assessment_results (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id),
    result_json TEXT NOT NULL
);
INSERT INTO assessment_results (assessment_id, result_json)
    SELECT id, result_json FROM assessments WHERE result_json IS NOT NULL;
ALTER TABLE assessments DROP COLUMN result_json;
