-- Fraud and abuse: where participants were seen, each referral's risk
-- assessment and review, bans, bot clicks and the audit log.

-- Where a participant was seen: a device id or an IP + user agent pair,
-- both as keyed hashes (IP ones under the rotating salt, so they compare
-- only within a salt period). Self-referral and ring checks compare them.
CREATE TABLE sightings (
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    value_hash      TEXT NOT NULL,
    first_seen_at   {{TIMESTAMP}} NOT NULL,
    last_seen_at    {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (participant_id, kind, value_hash)
);
CREATE INDEX sightings_value_idx ON sightings (kind, value_hash, last_seen_at);

-- The risk assessment stored with each referral: a score, the signals that
-- fired (JSON: code, reason, weight) and the review state: clear, held,
-- blocked, approved or rejected. ip_hash and subnet_hash (of the signup)
-- feed the velocity checks.
ALTER TABLE referrals ADD COLUMN risk_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN risk_signals TEXT NOT NULL DEFAULT '[]';
ALTER TABLE referrals ADD COLUMN review TEXT NOT NULL DEFAULT 'clear';
ALTER TABLE referrals ADD COLUMN reviewed_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE referrals ADD COLUMN reviewed_at {{TIMESTAMP}};
ALTER TABLE referrals ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN ip_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN subnet_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX referrals_review_idx ON referrals (review, created_at);
CREATE INDEX referrals_ip_idx ON referrals (ip_hash, created_at);
CREATE INDEX referrals_subnet_idx ON referrals (subnet_hash, created_at);

-- A banned participant's link answers like an unknown code.
ALTER TABLE participants ADD COLUMN banned_at {{TIMESTAMP}};

-- Clicks from bots and link-preview fetchers are kept, marked, and
-- attribute nothing.
ALTER TABLE clicks ADD COLUMN bot BOOLEAN NOT NULL DEFAULT FALSE;

-- Append-only: who did what, when and why. actor keeps the username as it
-- was, so the record survives the account.
CREATE TABLE audit_log (
    id          {{ID}},
    actor_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    detail      TEXT NOT NULL,
    created_at  {{TIMESTAMP}} NOT NULL
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at);
