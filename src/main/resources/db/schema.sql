-- Parley's schema: one script for H2 and PostgreSQL, run at every start (every statement is idempotent).
-- Times are epoch milliseconds; no column is named with a reserved word.

CREATE TABLE IF NOT EXISTS parley_room (
    name VARCHAR(32) NOT NULL PRIMARY KEY,
    last_seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS parley_message (
    room VARCHAR(32) NOT NULL,
    seq BIGINT NOT NULL,
    sender VARCHAR(255) NOT NULL,
    sender_key VARCHAR(255) NOT NULL,
    body VARCHAR(8000) NOT NULL,
    posted_at BIGINT NOT NULL,
    ref VARCHAR(128),
    PRIMARY KEY (room, seq)
);

CREATE UNIQUE INDEX IF NOT EXISTS parley_message_ref ON parley_message (room, sender_key, ref);
