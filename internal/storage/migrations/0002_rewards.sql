-- Rewards: events, the program, the ledger, email tokens and the job queue.

ALTER TABLE users ADD COLUMN email_verified_at {{TIMESTAMP}};
ALTER TABLE users ADD COLUMN notify_new_referral BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN notify_reward_earned BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN notify_reward_ready BOOLEAN NOT NULL DEFAULT TRUE;

-- plan is the segment rules can target; stripe_customer_id lets account
-- credit land on the customer's Stripe balance.
ALTER TABLE participants ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';
ALTER TABLE participants ADD COLUMN stripe_customer_id TEXT NOT NULL DEFAULT '';

-- The program is a JSON document, saved whole as a new version on every
-- change: the latest row is the program, the rest is its history.
CREATE TABLE program_versions (
    id          {{ID}},
    program     TEXT NOT NULL,
    changed_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    summary     TEXT NOT NULL,
    created_at  {{TIMESTAMP}} NOT NULL
);

-- Every step a person takes. The idempotency key makes a repeated delivery
-- change nothing; keys are per participant, so one customer's "order-1"
-- never hides another's.
CREATE TABLE events (
    id               {{ID}},
    participant_id   BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    referral_id      BIGINT REFERENCES referrals (id) ON DELETE SET NULL,
    name             TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    amount           BIGINT NOT NULL DEFAULT 0,
    currency         TEXT NOT NULL DEFAULT '',
    purchase_key     TEXT NOT NULL DEFAULT '',
    created_at       {{TIMESTAMP}} NOT NULL
);
CREATE UNIQUE INDEX events_key ON events (participant_id, idempotency_key);
CREATE INDEX events_referral_idx ON events (referral_id, name);
CREATE INDEX events_participant_idx ON events (participant_id, created_at);

-- The ledger. Rows are never deleted and amounts never change; each status
-- change sets its own timestamp once. rewards_once makes a second credit for
-- the same (rule, referral, side) impossible, even under concurrent events.
-- rule_id has no foreign key: rules live in the program document, and their
-- ids are never reused.
CREATE TABLE rewards (
    id                   {{ID}},
    participant_id       BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    side                 TEXT NOT NULL,
    entry                TEXT NOT NULL,
    rule_id              BIGINT,
    referral_id          BIGINT REFERENCES referrals (id) ON DELETE SET NULL,
    event_id             BIGINT REFERENCES events (id) ON DELETE SET NULL,
    reverses_id          BIGINT REFERENCES rewards (id),
    idempotency_key      TEXT,
    kind                 TEXT NOT NULL,
    amount               BIGINT NOT NULL,
    currency             TEXT NOT NULL DEFAULT '',
    percent_off          BIGINT NOT NULL DEFAULT 0,
    status               TEXT NOT NULL,
    reason               TEXT NOT NULL,
    promo_code           TEXT NOT NULL DEFAULT '',
    external_id          TEXT NOT NULL DEFAULT '',
    needs_review         BOOLEAN NOT NULL DEFAULT FALSE,
    hold_until           {{TIMESTAMP}},
    credited_at          {{TIMESTAMP}} NOT NULL,
    approved_at          {{TIMESTAMP}},
    redeem_asked_at      {{TIMESTAMP}},
    redeemed_at          {{TIMESTAMP}},
    fulfilled_at         {{TIMESTAMP}},
    reversed_at          {{TIMESTAMP}},
    cancelled_at         {{TIMESTAMP}}
);
CREATE UNIQUE INDEX rewards_once ON rewards (rule_id, referral_id, side, entry);
CREATE UNIQUE INDEX rewards_key ON rewards (idempotency_key);
CREATE INDEX rewards_participant_idx ON rewards (participant_id, credited_at);
CREATE INDEX rewards_event_idx ON rewards (event_id);

-- balances is a running sum of the ledger per participant, kind and
-- currency, kept in the same transaction as every ledger change so the
-- dashboard reads one row instead of summing thousands of entries. It is
-- derived: LedgerBalances recomputes it from rewards, and tests compare them.
CREATE TABLE balances (
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    currency        TEXT NOT NULL,
    available       BIGINT NOT NULL DEFAULT 0,
    pending         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (participant_id, kind, currency)
);

-- Single-use links sent by mail (address verification, password reset).
-- Only a SHA-256 hash of the token is stored.
CREATE TABLE email_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    email       TEXT NOT NULL,
    created_at  {{TIMESTAMP}} NOT NULL,
    expires_at  {{TIMESTAMP}} NOT NULL,
    used_at     {{TIMESTAMP}}
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);

-- The durable job queue (an outbox): jobs are written in the same
-- transaction as their cause. A running job's run_at is the end of its
-- lease, so a job whose worker died is due again when the lease runs out.
CREATE TABLE jobs (
    id            {{ID}},
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'queued',
    dedupe_key    TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    run_at        {{TIMESTAMP}} NOT NULL,
    locked_by     TEXT NOT NULL DEFAULT '',
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    {{TIMESTAMP}} NOT NULL,
    finished_at   {{TIMESTAMP}}
);
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_state_idx ON jobs (state, id);
