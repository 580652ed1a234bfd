-- Sign-in throttling per account and source (PostgreSQL). Append-only: never edit a released
-- migration, add the next one.
--
-- Each failed sign-in records the client's network address it came from (`source`, as
-- `tianping_domain::throttle::source_key` writes it). Rows from before this migration get the
-- empty source: they count for no real source and are purged with the others.
ALTER TABLE login_failures ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_source ON login_failures(source, at);
