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
-- a batch looks up all its refs with one `ref IN (...)`: refs are UUIDs, so this index finds each in one probe
CREATE INDEX IF NOT EXISTS parley_message_ref_alone ON parley_message (ref);

-- A message an operator deleted keeps its row and seq (history stays gap-free); its body is emptied and this set.
ALTER TABLE parley_message ADD COLUMN IF NOT EXISTS deleted_at BIGINT;

-- Moderation (dev.parley.admin): bans, mutes, closed rooms and the audit trail. until_at 0 means permanent.
-- A ban's id is its kind and subject ("user:g:alice", "address:10.0.0.7"); a mute's is "room/user key". A user key
-- is its kind, g: (guest) or a: (account), and the case-folded name (since version 2, see migrate-2-user-kinds.sql).
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

-- The accounts that have logged in at least once (case-folded names): no guest may take these names.
CREATE TABLE IF NOT EXISTS parley_account (
    name_key VARCHAR(255) NOT NULL PRIMARY KEY,
    first_login_at BIGINT NOT NULL
);

-- The rooms logged-in users keep on every device (membership extension), and how far each has read: read_seq only
-- grows. A deleted room takes its rows with it (the same transaction as its messages).
CREATE TABLE IF NOT EXISTS parley_membership (
    user_key VARCHAR(255) NOT NULL,
    user_name VARCHAR(255) NOT NULL,
    room VARCHAR(32) NOT NULL,
    read_seq BIGINT NOT NULL,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (user_key, room)
);

CREATE INDEX IF NOT EXISTS parley_membership_room ON parley_membership (room);

-- Logged-in users who turned read receipts off (they send none and see none).
CREATE TABLE IF NOT EXISTS parley_receipts_off (
    user_key VARCHAR(255) NOT NULL PRIMARY KEY,
    since BIGINT NOT NULL
);

-- Private rooms and direct conversations (conversations extension): each is a room of parley_room named "~" and 16
-- of a-z 0-9, joined only by its members. A direct conversation's pair_key (its two user keys in order) is unique.
CREATE TABLE IF NOT EXISTS parley_conversation (
    room VARCHAR(32) NOT NULL PRIMARY KEY,
    kind VARCHAR(8) NOT NULL,
    title VARCHAR(256),
    pair_key VARCHAR(520) UNIQUE,
    created_by VARCHAR(255) NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS parley_conversation_member (
    room VARCHAR(32) NOT NULL,
    user_key VARCHAR(255) NOT NULL,
    user_name VARCHAR(255) NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (room, user_key)
);

-- The migrations that have run (db/migrate-N-*.sql), each once, in the transaction that inserted its row here.
CREATE TABLE IF NOT EXISTS parley_schema_version (
    version INT NOT NULL PRIMARY KEY,
    applied_at BIGINT NOT NULL
);
