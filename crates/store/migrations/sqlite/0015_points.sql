-- Shop points of seed 002 (DESIGN I-14, I-22, I-24; SQLite). Append-only: never edit a
-- released migration, add the next one.
--
-- The events are the truth; `points_balances` is a cache of their fold under the shipped
-- rules version, rewritten in the intake transaction and checked by `tianping points check`.

-- points_events: one row per accepted I-22 event. `platform_id` is the operator's platform
-- organisation; `key` is the idempotency key, unique per platform (a repeated key is
-- counted once); `data_json` is the event's JSON line; `received_at` when it was taken in.
CREATE TABLE points_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform_id INTEGER NOT NULL REFERENCES orgs(id),
    key TEXT NOT NULL,
    shop TEXT NOT NULL,
    event TEXT NOT NULL,
    at TEXT NOT NULL,
    data_json TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (platform_id, key)
);
CREATE INDEX points_events_shop ON points_events(platform_id, shop);
CREATE TRIGGER points_events_no_update BEFORE UPDATE ON points_events
BEGIN SELECT RAISE(ABORT, 'points_events is append-only'); END;

-- points_balances: per platform and shop, the fold of all its events as of `as_of` (the
-- intake's time): total, points per rule (`by_rule`, JSON object), the level (`level_kind`
-- star | diamond | crown and `level_n` 1..5, both NULL at 0 points) and how many events
-- were folded.
CREATE TABLE points_balances (
    platform_id INTEGER NOT NULL REFERENCES orgs(id),
    shop TEXT NOT NULL,
    total INTEGER NOT NULL,
    by_rule TEXT NOT NULL,
    level_kind TEXT,
    level_n INTEGER,
    events INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (platform_id, shop)
);
