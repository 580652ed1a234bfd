-- Notifications, the e-mail outbox and password resets (SQLite). Append-only: never edit a
-- released migration, add the next one.
--
-- notifications: a person's inbox. `kind` is tianping_domain::notify::NoticeKind; the payload
-- is the typed notice as JSON (put into words in the reader's language when shown); `link` is
-- the page it is about.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, id);

-- mail_outbox: e-mails written in the same transaction as the event that causes them, sent by
-- the server's delivery task with retries. `secret` messages carry a one-time link: their body
-- is emptied once sent or given up.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    secret INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);

-- password_resets: one-time links (only the token's SHA-256 is kept). A newer request ends
-- the older ones (`used_at` set); the rows are also the history the request throttling reads.
CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_resets_user ON password_resets(user_id, created_at);

-- The closed sets, as in 0002_checks: triggers that abort like a failed CHECK.
CREATE TRIGGER notifications_kind_check_ins BEFORE INSERT ON notifications
WHEN NOT (NEW.kind IN ('engaged', 'expert_assigned', 'submitted', 'verified', 'change_requested', 'deadline'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: notifications.kind'); END;
CREATE TRIGGER notifications_kind_check_upd BEFORE UPDATE OF kind ON notifications
WHEN NOT (NEW.kind IN ('engaged', 'expert_assigned', 'submitted', 'verified', 'change_requested', 'deadline'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: notifications.kind'); END;
CREATE TRIGGER mail_outbox_status_check_ins BEFORE INSERT ON mail_outbox
WHEN NOT (NEW.status IN ('pending', 'sent', 'failed'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: mail_outbox.status'); END;
CREATE TRIGGER mail_outbox_status_check_upd BEFORE UPDATE OF status ON mail_outbox
WHEN NOT (NEW.status IN ('pending', 'sent', 'failed'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: mail_outbox.status'); END;
CREATE TRIGGER mail_outbox_secret_check_ins BEFORE INSERT ON mail_outbox
WHEN NOT (NEW.secret IN (0, 1))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: mail_outbox.secret'); END;
CREATE TRIGGER mail_outbox_secret_check_upd BEFORE UPDATE OF secret ON mail_outbox
WHEN NOT (NEW.secret IN (0, 1))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: mail_outbox.secret'); END;
