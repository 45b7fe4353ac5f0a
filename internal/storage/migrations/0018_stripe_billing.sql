-- Stripe billing sync: which participant a Stripe customer is, which
-- purchase a Stripe payment is, refunds that came before their purchase,
-- and subscriptions, which set the plan.

-- The customer -> participant link, made by the first mapping that
-- matched (linked_by: metadata, client_reference_id, promotion_code,
-- email), so later events of the customer map without it.
CREATE TABLE stripe_customers (
    customer_id     TEXT PRIMARY KEY,
    participant_id  BIGINT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    linked_by       TEXT NOT NULL,
    created_at      {{TIMESTAMP}} NOT NULL
);
CREATE INDEX stripe_customers_participant_idx ON stripe_customers (participant_id);

-- Every id one payment is known by (its Checkout Session, invoice and
-- payment intents), each naming the purchase event recorded for it, so
-- the same payment counts once whichever events arrive. A payment that
-- matched nobody is kept with no participant and an empty key, so its
-- refunds are known to be unmatched too.
CREATE TABLE stripe_payments (
    object_id       TEXT PRIMARY KEY,
    participant_id  BIGINT REFERENCES participants (id) ON DELETE CASCADE,
    purchase_key    TEXT NOT NULL,
    created_at      {{TIMESTAMP}} NOT NULL
);

-- Refunds and disputes of payments not seen yet, one row per id the
-- refund names the payment by: the purchase's transaction applies them.
-- refunded is the charge's total refunded so far, or the disputed amount.
CREATE TABLE stripe_pending_refunds (
    object_id        TEXT NOT NULL,
    refund_key       TEXT NOT NULL,
    refunded         BIGINT NOT NULL,
    currency         TEXT NOT NULL,
    stripe_event_id  TEXT NOT NULL,
    created_at       {{TIMESTAMP}} NOT NULL,
    applied_at       {{TIMESTAMP}},
    PRIMARY KEY (object_id, refund_key)
);

-- Subscriptions as their latest event left them: a participant is on the
-- paid plan while one of theirs is active. event_at is that event's time,
-- so an older event arriving late changes nothing. trial_extended_to is
-- the trial end ReferralHub last asked Stripe for (trial_days rewards), so
-- rewards add up and a retried call asks for the same end.
CREATE TABLE stripe_subscriptions (
    subscription_id    TEXT PRIMARY KEY,
    customer_id        TEXT NOT NULL,
    participant_id     BIGINT REFERENCES participants (id) ON DELETE CASCADE,
    status             TEXT NOT NULL,
    trial_end          {{TIMESTAMP}},
    trial_extended_to  {{TIMESTAMP}},
    event_at           {{TIMESTAMP}} NOT NULL,
    updated_at         {{TIMESTAMP}} NOT NULL
);
CREATE INDEX stripe_subscriptions_participant_idx ON stripe_subscriptions (participant_id);

-- A customer's email is matched against participants' emails: users'
-- by email_key, API participants' by this index. A customer id set by
-- hand (referralhub user billing --stripe-customer) links it too.
CREATE INDEX participants_email_lower_idx ON participants (lower(email));
CREATE INDEX participants_stripe_customer_idx ON participants (stripe_customer_id);
