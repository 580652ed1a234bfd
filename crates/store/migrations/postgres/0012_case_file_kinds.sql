-- The kinds of a case's documents are a closed set (tianping_domain::case_files::DocKind:
-- 8.1.1 a)–i), the contract, audit plans and reports, correction evidence, appeals, other);
-- the database refuses any other text. Nothing wrote case_files before this version.
ALTER TABLE case_files ADD CONSTRAINT case_files_kind_check CHECK (kind IN ('licence', 'site_legal', 'permit', 'application_form', 'profile', 'process', 'system_docs', 'certificates', 'credit_screenshot', 'contract', 'audit_plan', 'audit_report', 'correction_evidence', 'appeal', 'other'));
