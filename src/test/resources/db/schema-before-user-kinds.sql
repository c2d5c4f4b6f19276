-- The schema as released before user keys had a kind (version 1), for SchemaMigrationTest: do not change.
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
-- a batch looks up all its refs with one `ref IN (...)`: refs are UUIDs, so this index finds each in one probe
CREATE INDEX IF NOT EXISTS parley_message_ref_alone ON parley_message (ref);

-- A message an operator deleted keeps its row and seq (history stays gap-free); its body is emptied and this set.
ALTER TABLE parley_message ADD COLUMN IF NOT EXISTS deleted_at BIGINT;

-- Moderation (dev.parley.admin): bans, mutes, closed rooms and the audit trail. until_at 0 means permanent.
-- A ban's id is its kind and subject ("user:alice", "address:10.0.0.7"); a mute's is "room/user".
CREATE TABLE IF NOT EXISTS parley_ban (
    id VARCHAR(300) NOT NULL PRIMARY KEY,
    kind VARCHAR(16) NOT NULL,
    subject VARCHAR(255) NOT NULL,
    until_at BIGINT NOT NULL,
    reason VARCHAR(1000),
    created_at BIGINT NOT NULL,
    created_by VARCHAR(255) NOT NULL
);

CREATE TABLE IF NOT EXISTS parley_mute (
    id VARCHAR(300) NOT NULL PRIMARY KEY,
    room VARCHAR(32) NOT NULL,
    user_key VARCHAR(255) NOT NULL,
    until_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by VARCHAR(255) NOT NULL
);

CREATE TABLE IF NOT EXISTS parley_room_closed (
    room VARCHAR(32) NOT NULL PRIMARY KEY,
    reason VARCHAR(1000),
    closed_at BIGINT NOT NULL,
    closed_by VARCHAR(255) NOT NULL
);

CREATE TABLE IF NOT EXISTS parley_audit (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    acted_at BIGINT NOT NULL,
    actor VARCHAR(255) NOT NULL,
    action VARCHAR(32) NOT NULL,
    target VARCHAR(300),
    reason VARCHAR(1000)
);

CREATE INDEX IF NOT EXISTS parley_audit_acted_at ON parley_audit (acted_at);
