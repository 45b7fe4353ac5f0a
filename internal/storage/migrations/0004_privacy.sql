-- Privacy: click retention and account deletion.

-- Clicks older than the retention period are reduced to a count per
-- participant and UTC day, and the raw rows (with their IP hash, user agent
-- and referer) deleted, in the same transaction. day is 'YYYY-MM-DD' text,
-- the same on both engines. participants.click_count is not touched: it
-- already counts these clicks.
CREATE TABLE click_daily (
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    day             TEXT NOT NULL,
    clicks          BIGINT NOT NULL,
    PRIMARY KEY (participant_id, day)
){{WITHOUT_ROWID}};

-- A deleted account leaves its participant as an anonymous tombstone (no
-- user, an unusable code), so referrals, other people's counts and the
-- ledger stay whole. deleted_at tells a tombstone from a participant that
-- never had a user (the API's, later); verified_at keeps when the deleted
-- account's email was verified, so rewards that wait for the friend's
-- verification still open after the friend has gone.
ALTER TABLE participants ADD COLUMN deleted_at {{TIMESTAMP}};
ALTER TABLE participants ADD COLUMN verified_at {{TIMESTAMP}};
