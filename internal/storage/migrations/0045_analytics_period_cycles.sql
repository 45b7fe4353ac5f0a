-- The viral cycle time of each preset period (the last `days` days up to
-- to_day), as of the last refresh: the referrers counted and their median
-- in nanoseconds. GET /api/v1/stats and the analytics page read one row
-- here instead of summing the period's buckets in analytics_cycles, whose
-- rows grow with the program (about 7,000 for 30 days at a million
-- users), so the figure costs the same at any size. Other periods are
-- summed from the buckets as before.
CREATE TABLE analytics_period_cycles (
    days       INTEGER PRIMARY KEY,
    to_day     TEXT NOT NULL,
    referrers  BIGINT NOT NULL,
    median_ns  BIGINT NOT NULL
);
