-- The core referral loop: accounts, referral profiles, sessions, clicks and
-- referrals. {{ID}} and {{TIMESTAMP}} are dialect macros (see dialect.go).

-- email_key is the email lower-cased in Go, so "unique regardless of case"
-- means the same on both engines (SQLite's lower() folds only ASCII).
CREATE TABLE users (
    id                  {{ID}},
    email               TEXT NOT NULL,
    email_key           TEXT NOT NULL,
    username            TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    is_admin            BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          {{TIMESTAMP}} NOT NULL,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    failed_login_since  {{TIMESTAMP}},
    locked_until        {{TIMESTAMP}}
);
CREATE UNIQUE INDEX users_email_key ON users (email_key);
-- Usernames are ASCII (a-z0-9_), where both engines' lower() agree.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- A participant is a referral profile: the code people share. Every user has
-- one; later, API participants may have none. Who referred a participant is
-- its row in referrals (referee_id is unique there), not a column here. referral_count and
-- click_count are kept in the same transaction as the rows they count, so
-- the dashboard reads them in O(1) instead of counting thousands of rows.
CREATE TABLE participants (
    id              {{ID}},
    user_id         BIGINT REFERENCES users (id) ON DELETE CASCADE,
    code            TEXT NOT NULL,
    created_at      {{TIMESTAMP}} NOT NULL,
    last_seen_at    {{TIMESTAMP}} NOT NULL,
    referral_count  BIGINT NOT NULL DEFAULT 0,
    click_count     BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX participants_code_key ON participants (code);
CREATE UNIQUE INDEX participants_user_key ON participants (user_id);

-- Only a SHA-256 hash of the session token is stored.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  {{TIMESTAMP}} NOT NULL,
    expires_at  {{TIMESTAMP}} NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Clicks arrive in batches from an in-process buffer; the id is made in Go
-- and travels in the signed attribution cookie. Ids sort by time, so on
-- SQLite the table is clustered on them (WITHOUT ROWID): an insert appends
-- to one B-tree instead of writing a rowid table and an index.
CREATE TABLE clicks (
    id              TEXT PRIMARY KEY,
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    code            TEXT NOT NULL,
    ip_hash         TEXT NOT NULL,
    user_agent      TEXT NOT NULL,
    referer         TEXT NOT NULL,
    created_at      {{TIMESTAMP}} NOT NULL
){{WITHOUT_ROWID}};
-- No index on participant_id: the dashboard reads participants.click_count,
-- and a random-order index would dirty a page per click in every batch.
-- (Deleting a participant therefore scans clicks; add the index, or delete
-- clicks in batches first, when deletion becomes a feature.)

-- One row per referred participant: who referred them and through which
-- click. click_id has no foreign key because the click row may still sit in
-- the buffer (or have been dropped) when the signup commits.
CREATE TABLE referrals (
    id           {{ID}},
    referrer_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    referee_id   BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    click_id     TEXT,
    created_at   {{TIMESTAMP}} NOT NULL
);
CREATE UNIQUE INDEX referrals_referee_key ON referrals (referee_id);
CREATE INDEX referrals_referrer_idx ON referrals (referrer_id, created_at);
