-- Each participant's own Stripe promotion code, for the coupon the
-- program names: a friend who checks out with it is attributed to them.
-- One per participant, made through the Stripe API when first needed;
-- promotion_code_id is how a checkout names it.
CREATE TABLE stripe_promotion_codes (
    participant_id     BIGINT PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    promotion_code_id  TEXT NOT NULL,
    code               TEXT NOT NULL,
    coupon_id          TEXT NOT NULL,
    created_at         {{TIMESTAMP}} NOT NULL
);
CREATE UNIQUE INDEX stripe_promotion_codes_id_key ON stripe_promotion_codes (promotion_code_id);
