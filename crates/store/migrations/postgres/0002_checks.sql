-- States, roles, modes and sources are closed sets (the enums of crates/domain); the
-- database refuses any other text.
ALTER TABLE orgs ADD CONSTRAINT orgs_kind_check CHECK (kind IN ('body', 'platform'));
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('enterprise', 'auditor', 'expert', 'decider', 'body_admin', 'operator', 'sysadmin'));
ALTER TABLE invitations ADD CONSTRAINT invitations_role_check CHECK (role IN ('auditor', 'expert', 'decider', 'body_admin', 'operator', 'sysadmin'));
ALTER TABLE assessments ADD CONSTRAINT assessments_mode_check CHECK (mode IN ('self', 'onsite'));
ALTER TABLE assessments ADD CONSTRAINT assessments_status_check CHECK (status IN ('draft', 'submitted'));
ALTER TABLE answers ADD CONSTRAINT answers_source_check CHECK (source IS NULL OR source IN ('self', 'platform', 'third_party', 'onsite', 'expert'));
ALTER TABLE answer_versions ADD CONSTRAINT answer_versions_source_check CHECK (source IS NULL OR source IN ('self', 'platform', 'third_party', 'onsite', 'expert'));
ALTER TABLE users ADD CONSTRAINT users_disabled_check CHECK (disabled IN (0, 1));
ALTER TABLE assessments ADD CONSTRAINT assessments_first_application_check CHECK (first_application IN (0, 1));
