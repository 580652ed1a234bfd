-- Certification cases' notifications and due reminders (SQLite). Append-only: never edit a
-- released migration, add the next one.

-- Two more kinds of notification (tianping_domain::notify::NoticeKind): an event of a
-- certification case, and a reminder of what is due in one. The triggers of 0008 are
-- replaced by ones that know them.
DROP TRIGGER notifications_kind_check_ins;
DROP TRIGGER notifications_kind_check_upd;
CREATE TRIGGER notifications_kind_check_ins BEFORE INSERT ON notifications
WHEN NOT (NEW.kind IN ('engaged', 'expert_assigned', 'submitted', 'verified', 'change_requested', 'deadline', 'case_event', 'case_due'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: notifications.kind'); END;
CREATE TRIGGER notifications_kind_check_upd BEFORE UPDATE OF kind ON notifications
WHEN NOT (NEW.kind IN ('engaged', 'expert_assigned', 'submitted', 'verified', 'change_requested', 'deadline', 'case_event', 'case_due'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: notifications.kind'); END;

-- case_reminders: each reminder sent, so that it is sent once however often the reminder
-- task runs and however many servers run it. `kind` is
-- tianping_domain::case_remind::DueItem, `stage` its Stage; `subject` is the audit, finding,
-- appeal or complaint the item concerns ('' for none, so that the key is unique).
CREATE TABLE case_reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL CHECK (kind IN ('supplement', 'plan_confirmation', 'contract', 'decision', 'certificate', 'correction', 'surveillance', 'suspend', 'withdraw', 'recertification', 'appeal', 'complaint')),
    subject TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    stage TEXT NOT NULL CHECK (stage IN ('week', 'day')),
    sent_at TEXT NOT NULL,
    UNIQUE (case_id, kind, subject, due_on, stage)
);
