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

-- Messages that mention a logged-in user who keeps the room, written with the message: a room's mention count is
-- the rows above the user's read marker; rows at or below a written marker are deleted.
CREATE TABLE IF NOT EXISTS parley_mention (
    user_key VARCHAR(255) NOT NULL,
    room VARCHAR(32) NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (user_key, room, seq)
);

CREATE INDEX IF NOT EXISTS parley_mention_room ON parley_mention (room);

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

-- Files (files extension). parley_file says what each upload is, whose, and which message carries it (room and seq,
-- null until one does); parley_file_content holds its bytes, read only for a download. A message's files column is
-- the list its events carry (JSON), so history reads never join. A deleted message or room takes its files along.
ALTER TABLE parley_message ADD COLUMN IF NOT EXISTS files VARCHAR(8000);

CREATE TABLE IF NOT EXISTS parley_file (
    id VARCHAR(22) NOT NULL PRIMARY KEY,
    owner_key VARCHAR(255) NOT NULL,
    name VARCHAR(255) NOT NULL,
    media_type VARCHAR(64) NOT NULL,
    byte_size BIGINT NOT NULL,
    width INT,
    height INT,
    uploaded_at BIGINT NOT NULL,
    room VARCHAR(32),
    seq BIGINT
);

CREATE INDEX IF NOT EXISTS parley_file_owner ON parley_file (owner_key);
CREATE INDEX IF NOT EXISTS parley_file_message ON parley_file (room, seq);
CREATE INDEX IF NOT EXISTS parley_file_uploaded_at ON parley_file (uploaded_at);

CREATE TABLE IF NOT EXISTS parley_file_content (
    id VARCHAR(22) NOT NULL PRIMARY KEY,
    content BYTEA NOT NULL
);

-- The migrations that have run (db/migrate-N-*.sql), each once, in the transaction that inserted its row here.
CREATE TABLE IF NOT EXISTS parley_schema_version (
    version INT NOT NULL PRIMARY KEY,
    applied_at BIGINT NOT NULL
);
