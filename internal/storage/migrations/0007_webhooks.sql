-- Webhooks: endpoints that receive signed events, the events sent to them,
-- one delivery per (event, endpoint), and a log of every attempt.

-- events is the space-separated event types the endpoint receives. The
-- secret is a shared signing secret shown to the admin, not a password:
-- it is needed in the clear to sign. failing_since is when the current run
-- of failed attempts began (NULL after a success); a long run disables the
-- endpoint.
CREATE TABLE webhook_endpoints (
    id                    {{ID}},
    url                   TEXT NOT NULL,
    secret                TEXT NOT NULL,
    events                TEXT NOT NULL,
    enabled               BOOLEAN NOT NULL DEFAULT TRUE,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    failing_since         {{TIMESTAMP}},
    disabled_at           {{TIMESTAMP}},
    disabled_reason       TEXT NOT NULL DEFAULT '',
    disabled_by_failures  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            {{TIMESTAMP}} NOT NULL
);

-- An event's body is built once and sent as is by every delivery and
-- replay, so its id and bytes never change. participant_id is only the
-- key deliveries are ordered by, so it has no foreign key.
CREATE TABLE webhook_events (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    participant_id  BIGINT NOT NULL,
    body            TEXT NOT NULL,
    created_at      {{TIMESTAMP}} NOT NULL
);

-- state: waiting (behind an earlier undelivered delivery for the same
-- endpoint and participant), pending (its job is queued), succeeded, dead.
-- sends counts the first send and each replay; a job carries it in its
-- dedupe key, so a job left over from an earlier send does nothing.
CREATE TABLE webhook_deliveries (
    id                {{ID}},
    endpoint_id       BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id          TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    participant_id    BIGINT NOT NULL,
    state             TEXT NOT NULL,
    sends             INTEGER NOT NULL DEFAULT 1,
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_status       INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT NOT NULL DEFAULT '',
    first_attempt_at  {{TIMESTAMP}},
    created_at        {{TIMESTAMP}} NOT NULL,
    delivered_at      {{TIMESTAMP}},
    dead_at           {{TIMESTAMP}}
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, state, id);
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, participant_id, id)
    WHERE state IN ('waiting', 'pending');
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

-- One row per HTTP attempt: the status (0 when no answer came), the error
-- or the start of the answer, and how long it took. endpoint_id (the
-- delivery's) lets the endpoint's log be read newest first by index.
CREATE TABLE webhook_attempts (
    id            {{ID}},
    delivery_id   BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    endpoint_id   BIGINT NOT NULL,
    attempted_at  {{TIMESTAMP}} NOT NULL,
    status_code   INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    response      TEXT NOT NULL DEFAULT '',
    duration_ms   BIGINT NOT NULL DEFAULT 0,
    succeeded     BOOLEAN NOT NULL
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);
CREATE INDEX webhook_attempts_endpoint_idx ON webhook_attempts (endpoint_id, id);
