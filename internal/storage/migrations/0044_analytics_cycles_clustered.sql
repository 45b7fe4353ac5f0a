-- The viral cycle buckets are read by day range on every stats request
-- (about 7,000 rows for 30 days at a million users). On SQLite the table
-- is made again WITHOUT ROWID, so its rows are stored in the order of
-- their key (day, bucket) and a range read is one walk of one b-tree
-- instead of an index walk plus a table lookup per row (14 ms of CPU a
-- request, 94% of GET /api/v1/stats, before). PostgreSQL gets the same
-- table back.
CREATE TABLE analytics_cycles_new (
    day        TEXT NOT NULL,
    bucket     INTEGER NOT NULL,
    referrers  BIGINT NOT NULL,
    seconds    BIGINT NOT NULL,
    PRIMARY KEY (day, bucket)
){{WITHOUT_ROWID}};
INSERT INTO analytics_cycles_new (day, bucket, referrers, seconds) SELECT day, bucket, referrers, seconds FROM analytics_cycles;
DROP TABLE analytics_cycles;
ALTER TABLE analytics_cycles_new RENAME TO analytics_cycles;
