-- The ledger proves itself: every entry and every change of an entry's
-- state is a record in a hash chain, one chain per beneficiary
-- (participant), so nobody can edit, delete or reorder a record without
-- the chain showing where (see docs/rewards.md).
--
-- An entry's record is its rewards row: chain_seq is its place in the
-- beneficiary's chain, opening_state the state it was written in (status,
-- times, codes: the part of a row that changes later), prev_hash the hash
-- of the record before it and hash SHA-256 over its immutable fields,
-- opening_state, chain_seq and prev_hash. Rows written before this
-- migration are chained by it, in id order, with their state as it is now
-- (storage.ChainUnchained runs in the same transaction).
ALTER TABLE rewards ADD COLUMN chain_seq BIGINT;
ALTER TABLE rewards ADD COLUMN opening_state TEXT;
ALTER TABLE rewards ADD COLUMN prev_hash TEXT;
ALTER TABLE rewards ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX rewards_chain_key ON rewards (participant_id, chain_seq);
-- Only rows a bulk load wrote and did not chain yet: empty otherwise.
CREATE INDEX rewards_unchained_idx ON rewards (participant_id, id) WHERE chain_seq IS NULL;

-- Every change of an entry's state (approved, asked to redeem, redeemed,
-- fulfilled, cancelled, reversed, a late payout) appended to the same
-- chain: what it was and the state it left, so the rewards row's
-- current state must be the last change's. Never updated or deleted.
CREATE TABLE reward_changes (
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    chain_seq       BIGINT NOT NULL,
    reward_id       BIGINT NOT NULL REFERENCES rewards (id),
    change          TEXT NOT NULL,
    state           TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL,
    PRIMARY KEY (participant_id, chain_seq)
);

-- The head of each beneficiary's chain: its last record's place and hash.
-- A record is appended with this row locked, so concurrent credits to one
-- beneficiary queue on it while credits to others run side by side.
CREATE TABLE ledger_heads (
    participant_id  BIGINT PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    hash            TEXT NOT NULL
);

-- Each walk of the chains (referralhub ledger verify, the daily upkeep):
-- its outcome, a digest of every head when it ran, and its first break.
CREATE TABLE ledger_checks (
    id           {{ID}},
    started_at   {{TIMESTAMP}} NOT NULL,
    finished_at  {{TIMESTAMP}} NOT NULL,
    ok           BOOLEAN NOT NULL,
    chains       BIGINT NOT NULL,
    records      BIGINT NOT NULL,
    breaks       BIGINT NOT NULL,
    digest       TEXT NOT NULL,
    problem      TEXT NOT NULL
);
