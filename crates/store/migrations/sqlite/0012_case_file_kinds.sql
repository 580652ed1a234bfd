-- The kinds of a case's documents are a closed set (tianping_domain::case_files::DocKind:
-- 8.1.1 a)–i), the contract, audit plans and reports, correction evidence, appeals, other);
-- the database refuses any other text. Nothing wrote case_files before this version.
-- SQLite cannot add a CHECK constraint to an existing table: a pair of triggers aborts like one.
CREATE TRIGGER case_files_kind_check_ins BEFORE INSERT ON case_files
WHEN NOT (NEW.kind IN ('licence', 'site_legal', 'permit', 'application_form', 'profile', 'process', 'system_docs', 'certificates', 'credit_screenshot', 'contract', 'audit_plan', 'audit_report', 'correction_evidence', 'appeal', 'other'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: case_files.kind'); END;
CREATE TRIGGER case_files_kind_check_upd BEFORE UPDATE OF kind ON case_files
WHEN NOT (NEW.kind IN ('licence', 'site_legal', 'permit', 'application_form', 'profile', 'process', 'system_docs', 'certificates', 'credit_screenshot', 'contract', 'audit_plan', 'audit_report', 'correction_evidence', 'appeal', 'other'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: case_files.kind'); END;
