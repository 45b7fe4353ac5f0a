-- Stripe billing sync: every event Stripe sends to the webhook, kept once
-- by its id (Stripe's retries and replays find it and change nothing),
-- processed by a job, and listed at /admin/integrations/stripe.

-- outcome: pending (its job has not finished), recorded (a participant
-- matched and something was recorded), unmatched (nobody matched), ignored
-- (a type or state that changes nothing), failed (detail says why; an
-- admin may retry it). detail says in words what happened. payload is the
-- event as Stripe sent it, so a retry reads exactly what arrived; it is
-- emptied when the participant it names deletes their account. retries
-- counts the admin's retries, which name each retry's job.
CREATE TABLE stripe_events (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    api_version     TEXT NOT NULL,
    livemode        BOOLEAN NOT NULL DEFAULT FALSE,
    payload         TEXT NOT NULL,
    created_at      {{TIMESTAMP}} NOT NULL,
    received_at     {{TIMESTAMP}} NOT NULL,
    outcome         TEXT NOT NULL DEFAULT 'pending',
    detail          TEXT NOT NULL DEFAULT '',
    participant_id  BIGINT REFERENCES participants (id) ON DELETE SET NULL,
    event_id        BIGINT REFERENCES events (id) ON DELETE SET NULL,
    processed_at    {{TIMESTAMP}},
    retries         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stripe_events_received_idx ON stripe_events (received_at, id);
CREATE INDEX stripe_events_participant_idx ON stripe_events (participant_id);
