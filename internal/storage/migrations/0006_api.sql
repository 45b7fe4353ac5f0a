-- The JSON API: keys, idempotency records, participants that other
-- products create (with no login here), and what events carry from them.

-- API keys. Only a SHA-256 hash of a key is stored; hint is its first
-- characters, so an admin can tell keys apart. scope is 'read' or 'write'.
-- last_used_at is written at most about once a minute per key. Revoked keys
-- are kept, so the list and the audit log stay whole.
CREATE TABLE api_keys (
    id            {{ID}},
    name          TEXT NOT NULL,
    scope         TEXT NOT NULL,
    key_hash      TEXT NOT NULL,
    hint          TEXT NOT NULL,
    created_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at    {{TIMESTAMP}} NOT NULL,
    last_used_at  {{TIMESTAMP}},
    revoked_at    {{TIMESTAMP}}
);
CREATE UNIQUE INDEX api_keys_hash_key ON api_keys (key_hash);

-- One row per Idempotency-Key a key used on a route: the hash of the first
-- request's body and, once it is answered, its status and body. The row is
-- inserted before the request runs (status 0 while it does), so a
-- concurrent request with the same key finds it and is refused. Rows older
-- than a day are deleted as new ones arrive.
CREATE TABLE api_idempotency (
    api_key_id    BIGINT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    route         TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    response      TEXT NOT NULL DEFAULT '',
    created_at    {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (api_key_id, route, idem_key)
);
CREATE INDEX api_idempotency_created_idx ON api_idempotency (created_at);

-- Participants created through the API have no user: external_id is their
-- id in the host's product (unique; NULL for hosted sign-ups), with the
-- email and name the host gave. The email feeds the self-referral checks.
ALTER TABLE participants ADD COLUMN external_id TEXT;
ALTER TABLE participants ADD COLUMN email TEXT;
ALTER TABLE participants ADD COLUMN name TEXT;
CREATE UNIQUE INDEX participants_external_key ON participants (external_id);

-- Events reported through the API: when they happened by the host's clock,
-- and the host's own JSON object about them, kept as given.
ALTER TABLE events ADD COLUMN occurred_at {{TIMESTAMP}};
ALTER TABLE events ADD COLUMN metadata TEXT;

-- Keyset pagination of a participant's referrals and rewards by id.
CREATE INDEX referrals_referrer_id_idx ON referrals (referrer_id, id);
CREATE INDEX rewards_participant_id_idx ON rewards (participant_id, id);
