-- Protect the audit log's head and keep signed checkpoints (SQLite). Append-only: never edit a
-- released migration, add the next one.
--
-- The head row may only move forward: no DELETE, no UPDATE that lowers seq or changes id.
-- (`audit::append` raises seq by one, then sets last_hash with seq unchanged.)
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.id IS NOT OLD.id OR NEW.seq < OLD.seq
BEGIN SELECT RAISE(ABORT, 'audit_head may only move forward'); END;

-- Signed checkpoints of the head (crates/store/src/checkpoint.rs). A copy of each is appended
-- to an external JSON Lines file too, which verification treats as authoritative.
CREATE TABLE audit_checkpoint (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    entries INTEGER NOT NULL,
    at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE INDEX audit_checkpoint_seq ON audit_checkpoint(seq);

CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END;
