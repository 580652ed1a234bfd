-- States, roles, modes and sources are closed sets (the enums of crates/domain); the
-- database refuses any other text. SQLite cannot add a CHECK constraint to an existing
-- table, so each check is a pair of triggers that abort like a failed CHECK.
CREATE TRIGGER orgs_kind_check_ins BEFORE INSERT ON orgs
WHEN NOT (NEW.kind IN ('body', 'platform'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: orgs.kind'); END;
CREATE TRIGGER orgs_kind_check_upd BEFORE UPDATE OF kind ON orgs
WHEN NOT (NEW.kind IN ('body', 'platform'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: orgs.kind'); END;
CREATE TRIGGER users_role_check_ins BEFORE INSERT ON users
WHEN NOT (NEW.role IN ('enterprise', 'auditor', 'expert', 'decider', 'body_admin', 'operator', 'sysadmin'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: users.role'); END;
CREATE TRIGGER users_role_check_upd BEFORE UPDATE OF role ON users
WHEN NOT (NEW.role IN ('enterprise', 'auditor', 'expert', 'decider', 'body_admin', 'operator', 'sysadmin'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: users.role'); END;
CREATE TRIGGER invitations_role_check_ins BEFORE INSERT ON invitations
WHEN NOT (NEW.role IN ('auditor', 'expert', 'decider', 'body_admin', 'operator', 'sysadmin'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: invitations.role'); END;
CREATE TRIGGER invitations_role_check_upd BEFORE UPDATE OF role ON invitations
WHEN NOT (NEW.role IN ('auditor', 'expert', 'decider', 'body_admin', 'operator', 'sysadmin'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: invitations.role'); END;
CREATE TRIGGER assessments_mode_check_ins BEFORE INSERT ON assessments
WHEN NOT (NEW.mode IN ('self', 'onsite'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: assessments.mode'); END;
CREATE TRIGGER assessments_mode_check_upd BEFORE UPDATE OF mode ON assessments
WHEN NOT (NEW.mode IN ('self', 'onsite'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: assessments.mode'); END;
CREATE TRIGGER assessments_status_check_ins BEFORE INSERT ON assessments
WHEN NOT (NEW.status IN ('draft', 'submitted'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: assessments.status'); END;
CREATE TRIGGER assessments_status_check_upd BEFORE UPDATE OF status ON assessments
WHEN NOT (NEW.status IN ('draft', 'submitted'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: assessments.status'); END;
CREATE TRIGGER answers_source_check_ins BEFORE INSERT ON answers
WHEN NOT (NEW.source IS NULL OR NEW.source IN ('self', 'platform', 'third_party', 'onsite', 'expert'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: answers.source'); END;
CREATE TRIGGER answers_source_check_upd BEFORE UPDATE OF source ON answers
WHEN NOT (NEW.source IS NULL OR NEW.source IN ('self', 'platform', 'third_party', 'onsite', 'expert'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: answers.source'); END;
CREATE TRIGGER answer_versions_source_check_ins BEFORE INSERT ON answer_versions
WHEN NOT (NEW.source IS NULL OR NEW.source IN ('self', 'platform', 'third_party', 'onsite', 'expert'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: answer_versions.source'); END;
CREATE TRIGGER answer_versions_source_check_upd BEFORE UPDATE OF source ON answer_versions
WHEN NOT (NEW.source IS NULL OR NEW.source IN ('self', 'platform', 'third_party', 'onsite', 'expert'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: answer_versions.source'); END;
CREATE TRIGGER users_disabled_check_ins BEFORE INSERT ON users
WHEN NOT (NEW.disabled IN (0, 1))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: users.disabled'); END;
CREATE TRIGGER users_disabled_check_upd BEFORE UPDATE OF disabled ON users
WHEN NOT (NEW.disabled IN (0, 1))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: users.disabled'); END;
CREATE TRIGGER assessments_first_application_check_ins BEFORE INSERT ON assessments
WHEN NOT (NEW.first_application IN (0, 1))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: assessments.first_application'); END;
CREATE TRIGGER assessments_first_application_check_upd BEFORE UPDATE OF first_application ON assessments
WHEN NOT (NEW.first_application IN (0, 1))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: assessments.first_application'); END;
