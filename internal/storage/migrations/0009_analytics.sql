-- Growth analytics: rollups that the admin's analytics page and the API's
-- stats read instead of scanning clicks, signups and the ledger per
-- request. A periodic job recomputes them (see docs/analytics.md); they are
-- derived data and can be rebuilt from the tables they summarise. Days and
-- months are UTC, written 'YYYY-MM-DD' and 'YYYY-MM' on both engines.

-- One row per UTC day from the first participant's day on: human clicks
-- (total, and distinct (participant, ip_hash) pairs), signups by origin,
-- referrals whose referee verified, and referrals whose referee made their
-- first purchase, that day.
CREATE TABLE analytics_days (
    day               TEXT PRIMARY KEY,
    clicks            BIGINT NOT NULL DEFAULT 0,
    unique_clicks     BIGINT NOT NULL DEFAULT 0,
    organic_signups   BIGINT NOT NULL DEFAULT 0,
    referred_signups  BIGINT NOT NULL DEFAULT 0,
    verified          BIGINT NOT NULL DEFAULT 0,
    converted         BIGINT NOT NULL DEFAULT 0,
    refreshed_at      {{TIMESTAMP}} NOT NULL
);

-- Rewards issued (earned ledger entries, not cancelled) per day, kind and
-- currency: how many, and their summed amount.
CREATE TABLE analytics_rewards (
    day       TEXT NOT NULL,
    kind      TEXT NOT NULL,
    currency  TEXT NOT NULL,
    rewards   BIGINT NOT NULL,
    amount    BIGINT NOT NULL,
    PRIMARY KEY (day, kind, currency)
);

-- Viral cycle times: referrers whose first referred signup fell on day,
-- counted per bucket of the time from their own signup to it, with the sum
-- of their times in seconds. A bucket is floor(100 * log10(seconds)), so
-- a day has at most a few hundred rows, and the median, reported as the
-- mean of its bucket, is within 2.3% of the exact one (exact when the
-- bucket holds one value).
CREATE TABLE analytics_cycles (
    day        TEXT NOT NULL,
    bucket     INTEGER NOT NULL,
    referrers  BIGINT NOT NULL,
    seconds    BIGINT NOT NULL,
    PRIMARY KEY (day, bucket)
);

-- Cohorts by signup month and origin: members, members who signed up
-- long enough ago to count for retention, those of them retained, members
-- who made a purchase, and purchase value per currency.
CREATE TABLE analytics_cohorts (
    month       TEXT NOT NULL,
    referred    BOOLEAN NOT NULL,
    members     BIGINT NOT NULL,
    eligible    BIGINT NOT NULL,
    retained    BIGINT NOT NULL,
    purchasers  BIGINT NOT NULL,
    PRIMARY KEY (month, referred)
);
CREATE TABLE analytics_cohort_values (
    month     TEXT NOT NULL,
    referred  BOOLEAN NOT NULL,
    currency  TEXT NOT NULL,
    amount    BIGINT NOT NULL,
    PRIMARY KEY (month, referred, currency)
);

-- The top referrers of the preset periods (the last `days` days up to
-- to_day), as of the last refresh, so the page need not search them per
-- request; other periods are searched live.
CREATE TABLE analytics_top (
    days            INTEGER NOT NULL,
    rank            INTEGER NOT NULL,
    to_day          TEXT NOT NULL,
    participant_id  BIGINT NOT NULL,
    name            TEXT NOT NULL,
    code            TEXT NOT NULL,
    referrals       BIGINT NOT NULL,
    verified        BIGINT NOT NULL,
    converted       BIGINT NOT NULL,
    PRIMARY KEY (days, rank)
);

-- When each part was last refreshed: 'days' and 'cohorts'.
CREATE TABLE analytics_state (
    name          TEXT PRIMARY KEY,
    refreshed_at  {{TIMESTAMP}} NOT NULL
);

-- Time indexes the refresh reads days through. clicks ids sort by time,
-- so this index grows at its right-hand edge like the table.
CREATE INDEX clicks_created_idx ON clicks (created_at);
CREATE INDEX participants_created_idx ON participants (created_at);
CREATE INDEX participants_verified_idx ON participants (verified_at);
CREATE INDEX users_verified_idx ON users (email_verified_at);
CREATE INDEX referrals_created_idx ON referrals (created_at);
CREATE INDEX events_name_created_idx ON events (name, created_at);
CREATE INDEX rewards_credited_idx ON rewards (credited_at);
-- Top referrers of a period are searched in order of all-time referrals.
CREATE INDEX participants_referral_count_idx ON participants (referral_count, id);
-- Old clicks reduced to daily counts are summed by day when a day past the
-- click retention is rolled up.
CREATE INDEX click_daily_day_idx ON click_daily (day);
