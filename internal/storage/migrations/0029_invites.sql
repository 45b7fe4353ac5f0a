-- Invites by email: a participant mails their link to friends.
--
-- One row per address asked for, mailed or refused (refused names why, for
-- the dashboard); invalid addresses are never stored. identity_email is
-- core.IdentityEmail of the address, what the 30-day rule and opt-outs
-- compare. token is the random id the invite's link carries
-- (/r/{code}?s=invite&i=TOKEN), so a click marks it clicked. burst marks
-- an invite sent while its inviter was sending unusually many (a fraud
-- signal on their later referrals). Ids go into job dedupe keys.
CREATE TABLE invites (
    id              {{KEPT_ID}},
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    identity_email  TEXT NOT NULL,
    token           TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    refused         TEXT NOT NULL DEFAULT '',
    burst           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      {{TIMESTAMP}} NOT NULL,
    clicked_at      {{TIMESTAMP}},
    joined_at       {{TIMESTAMP}},
    reminded_at     {{TIMESTAMP}}
);
CREATE UNIQUE INDEX invites_token_key ON invites (token);
CREATE INDEX invites_participant_idx ON invites (participant_id, created_at);
CREATE INDEX invites_identity_idx ON invites (identity_email, created_at);

-- Addresses that asked for no more invites, by identity email.
CREATE TABLE invite_optouts (
    identity_email  TEXT PRIMARY KEY,
    created_at      {{TIMESTAMP}} NOT NULL
);

-- core.IdentityEmail of a participant's address (their user's, or the one
-- the host gave), so "already a participant" survives +tags and Gmail
-- dots. Kept by the core where an address is set; rows made before this
-- migration are filled by the hourly upkeep ('' for no address).
ALTER TABLE participants ADD COLUMN identity_email TEXT;
CREATE INDEX participants_identity_idx ON participants (identity_email);
