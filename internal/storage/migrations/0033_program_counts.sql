-- Program-wide counts (participants, users, referrals, clicks, rewards by
-- status and kind, outstanding balances), kept by triggers in the same
-- transaction as every write to the rows they count, so the stats API, the
-- admin overview and the metrics read a few rows instead of scanning the
-- program. PostgreSQL spreads each count over shards (summed when read);
-- SQLite keeps shard 0. The migration counts the rows already there (in Go,
-- after this SQL), and `referralhub recount` counts them again.
CREATE TABLE program_counts (
    name   TEXT NOT NULL,
    shard  INTEGER NOT NULL DEFAULT 0,
    n      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (name, shard)
){{WITHOUT_ROWID}};
{{PROGRAM_COUNT_TRIGGERS}}
