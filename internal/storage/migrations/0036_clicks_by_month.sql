-- engine: postgres
-- Clicks on PostgreSQL are partitioned by UTC month of created_at, so the
-- retention drops a whole month's table instead of deleting its rows one
-- by one (click_daily.go), and the click flush appends to one small
-- month's table and index. SQLite keeps its plain clustered table: this
-- migration only runs on PostgreSQL ("-- engine: postgres" above).
--
-- A key on a partitioned table must hold the partition key, so the primary
-- key becomes (id, created_at). A click id starts with its time in
-- milliseconds and is made with it, so a retried click carries the same
-- pair and is still skipped (ON CONFLICT DO NOTHING). Nothing references a
-- click by a foreign key: referrals.click_id is plain text (the click may
-- still sit in the buffer when the signup commits).
--
-- clicks_default catches a click whose month has no table yet, so an
-- insert never fails for lack of a partition; the upkeep makes each month's
-- table ahead of time and moves any such rows into it
-- (EnsureClickPartitions). Existing rows are copied into their months'
-- tables, made here for every month from the oldest click to two months
-- ahead. Columns and indexes are copied from the old table as they are,
-- whatever earlier migrations added.
ALTER TABLE clicks RENAME TO clicks_unpartitioned;
ALTER TABLE clicks_unpartitioned RENAME CONSTRAINT clicks_pkey TO clicks_unpartitioned_pkey;
CREATE TABLE clicks (LIKE clicks_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
    PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);
ALTER TABLE clicks ADD FOREIGN KEY (participant_id) REFERENCES participants (id) ON DELETE CASCADE;
CREATE TABLE clicks_default PARTITION OF clicks DEFAULT;
DO $$
DECLARE
    month timestamptz;
    last  timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '2 months';
    def   text;
BEGIN
    SELECT date_trunc('month', min(created_at) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' INTO month FROM clicks_unpartitioned;
    month := least(coalesce(month, last), last - interval '2 months');
    WHILE month <= last LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF clicks FOR VALUES FROM (%L) TO (%L)',
            'clicks_' || to_char(month AT TIME ZONE 'UTC', 'YYYY_MM'), month, month + interval '1 month');
        month := month + interval '1 month';
    END LOOP;
    FOR def IN SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = 'clicks_unpartitioned'::regclass AND NOT i.indisprimary
    LOOP
        EXECUTE 'DROP INDEX ' || (regexp_match(def, '^CREATE (?:UNIQUE )?INDEX (\S+) ON'))[1];
        EXECUTE regexp_replace(def, ' ON (ONLY )?(\S+\.)?clicks_unpartitioned ', ' ON clicks ');
    END LOOP;
END $$;
INSERT INTO clicks SELECT * FROM clicks_unpartitioned;
DROP TABLE clicks_unpartitioned;
