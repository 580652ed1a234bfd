-- Rate limits of the pages without sign-in, shared by every server on the database (DESIGN
-- I-24: no state that matters lives in a process). Append-only: never edit a released
-- migration, add the next one.
--
-- One row per bucket ('read' or 'post') and client source (an IPv4 address, or an IPv6 /64
-- network): `tat_ms`, the theoretical arrival time of the next request in milliseconds
-- since 1970 (GCRA, tianping_domain::rate_limit). A row whose time has passed means a full
-- allowance, the same as no row, and is pruned (`tat_ms` indexed for that).
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL CHECK (bucket IN ('read', 'post')),
    source TEXT NOT NULL,
    tat_ms BIGINT NOT NULL,
    PRIMARY KEY (bucket, source)
);
CREATE INDEX rate_limits_tat ON rate_limits(tat_ms);
