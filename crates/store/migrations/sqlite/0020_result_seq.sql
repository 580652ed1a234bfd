-- Every write of result_json (a save's full result, a rebuilt explanation, a re-grade) adds
-- one, so a server can keep a read result in memory and know from the row alone, in the same
-- query that checks who may see it, whether what it keeps is still the stored text: several
-- servers on one database each validate their own copy. Ids are never reused (AUTOINCREMENT,
-- identity), so (id, result_seq) names one text for good.
ALTER TABLE assessments ADD COLUMN result_seq INTEGER NOT NULL DEFAULT 0;
