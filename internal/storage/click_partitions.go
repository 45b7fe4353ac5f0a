// click_partitions: PostgreSQL's clicks, one table per UTC month (migration 0036).

package storage

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// ClickMonthsAhead is how many months after the current one the upkeep
// keeps a clicks table ready for on PostgreSQL.
const ClickMonthsAhead = 2

// clickPartitionLock serialises the making and dropping of click
// partitions between instances (an advisory lock's key, arbitrary but
// fixed: "clickp" in ASCII).
const clickPartitionLock = 0x636c69636b70

// clickMonthFormat names a month's partition: clicks_2026_12.
const clickMonthFormat = "clicks_2006_01"

// defaultClickPartition holds the clicks of months that had no table of
// their own when they were written.
const defaultClickPartition = "clicks_default"

// monthStart is the first instant of t's UTC month.
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// EnsureClickPartitions makes the clicks tables of now's UTC month and of
// the ClickMonthsAhead months after it, and of every month clicks_default
// caught clicks of, where they are missing, moving those clicks into their
// month's table. It returns how many tables it made; on SQLite, whose
// clicks are one table, it does nothing.
func (db *DB) EnsureClickPartitions(ctx context.Context, now time.Time) (int64, error) {
	if db.dialect.name() != "postgres" {
		return 0, nil
	}
	caught, err := queryList(ctx, db.Write(), "months in clicks_default", `/* EnsureClickPartitions.caught */
		SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC') FROM `+defaultClickPartition, func(r rowScanner) (time.Time, error) {
		var t time.Time
		return t, r.Scan(&t)
	})
	if err != nil {
		return 0, err
	}
	months := caught
	for i := range ClickMonthsAhead + 1 {
		months = append(months, monthStart(now).AddDate(0, i, 0))
	}
	return db.makeClickMonths(ctx, months)
}

// EnsureClickMonths makes the clicks tables of every UTC month from first
// to last on PostgreSQL, for a bulk load of old clicks (the demo): they
// then go straight to their month's table. On SQLite it does nothing.
func (db *DB) EnsureClickMonths(ctx context.Context, first, last time.Time) (int64, error) {
	if db.dialect.name() != "postgres" {
		return 0, nil
	}
	var months []time.Time
	for m := monthStart(first); !m.After(last); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	return db.makeClickMonths(ctx, months)
}

// makeClickMonths makes the tables of months that are missing, one per
// transaction, and returns how many it made.
func (db *DB) makeClickMonths(ctx context.Context, months []time.Time) (int64, error) {
	var made int64
	for _, month := range months {
		month = monthStart(month)
		err := db.InTx(ctx, func(q *Queries) error {
			ok, err := q.makeClickPartition(ctx, month)
			if ok {
				made++
			}
			return err
		})
		if err != nil {
			return made, fmt.Errorf("make clicks table for %s: %w", month.Format("2006-01"), err)
		}
	}
	return made, nil
}

// makeClickPartition makes month's table unless it exists. A table made
// as a partition of clicks would fail while clicks_default holds rows of
// its month, so it is made on its own, given those rows, then attached.
func (q *Queries) makeClickPartition(ctx context.Context, month time.Time) (bool, error) {
	name := month.Format(clickMonthFormat)
	exists, err := q.lockClickPartition(ctx, name)
	if err != nil || exists {
		return false, err
	}
	lo, hi := pgTimeLiteral(month), pgTimeLiteral(month.AddDate(0, 1, 0))
	for _, stmt := range []string{
		`/* makeClickPartition */ CREATE TABLE ` + name + ` (LIKE clicks INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
		`/* makeClickPartition.move */ WITH moved AS (DELETE FROM ` + defaultClickPartition + ` WHERE created_at >= ` + lo +
			` AND created_at < ` + hi + ` RETURNING *) INSERT INTO ` + name + ` SELECT * FROM moved`,
		`/* makeClickPartition.attach */ ALTER TABLE clicks ATTACH PARTITION ` + name + ` FOR VALUES FROM (` + lo + `) TO (` + hi + `)`,
	} {
		if _, err := q.exec(ctx, stmt); err != nil {
			return false, err
		}
	}
	return true, nil
}

// lockClickPartition takes the partitions' lock for the transaction and
// reports whether the table name exists.
func (q *Queries) lockClickPartition(ctx context.Context, name string) (bool, error) {
	var exists bool
	err := q.queryRow(ctx, `/* lockClickPartition */ SELECT pg_advisory_xact_lock($1) IS NOT NULL AND to_regclass($2) IS NOT NULL`,
		int64(clickPartitionLock), name).Scan(&exists)
	return exists, err
}

// pgTimeLiteral is t as a quoted PostgreSQL timestamptz literal, for the
// bounds of a partition, which DDL cannot take as parameters. It is made
// from a time, never from input.
func pgTimeLiteral(t time.Time) string {
	return "'" + t.UTC().Format("2006-01-02 15:04:05") + "+00'"
}

// clickMonths lists the months that have a clicks table, oldest first.
func (q *Queries) clickMonths(ctx context.Context) ([]time.Time, error) {
	names, err := queryList(ctx, q, "click partitions", `/* clickMonths */ SELECT c.relname FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'clicks'::regclass`, func(r rowScanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return nil, err
	}
	var months []time.Time
	for _, n := range names {
		if m, err := time.Parse(clickMonthFormat, n); err == nil && strings.HasPrefix(n, "clicks_") {
			months = append(months, m)
		}
	}
	sort.Slice(months, func(i, j int) bool { return months[i].Before(months[j]) })
	return months, nil
}

// ClickMonths lists the UTC months that have a clicks table of their own,
// oldest first: none on SQLite.
func (db *DB) ClickMonths(ctx context.Context) ([]time.Time, error) {
	if db.dialect.name() != "postgres" {
		return nil, nil
	}
	return db.Write().clickMonths(ctx)
}

// dropClickMonths reduces each month's clicks table that lies wholly before
// cutoff to daily counts and drops it, one month per transaction: the
// counts are added and the table dropped together. It returns how many
// clicks the dropped tables held.
func (db *DB) dropClickMonths(ctx context.Context, cutoff time.Time) (int64, error) {
	months, err := db.Write().clickMonths(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, m := range months {
		if m.AddDate(0, 1, 0).After(cutoff) {
			break
		}
		err := db.InTx(ctx, func(q *Queries) error {
			n, err := q.dropClickMonth(ctx, m.Format(clickMonthFormat))
			total += n
			return err
		})
		if err != nil {
			return total, fmt.Errorf("drop clicks of %s: %w", m.Format("2006-01"), err)
		}
	}
	return total, nil
}

// dropClickMonth adds the human clicks of the table name to click_daily,
// with one statement, and drops the table; it returns how many clicks
// (bots too) it held, or 0 when another instance dropped it first.
func (q *Queries) dropClickMonth(ctx context.Context, name string) (int64, error) {
	exists, err := q.lockClickPartition(ctx, name)
	if err != nil || !exists {
		return 0, err
	}
	var n int64
	if err := q.queryRow(ctx, `/* dropClickMonth.count */ SELECT count(*) FROM `+name).Scan(&n); err != nil {
		return 0, err
	}
	if _, err := q.exec(ctx, `/* dropClickMonth.days */ INSERT INTO click_daily (participant_id, day, clicks)
		SELECT participant_id, `+q.d.dayOf("created_at")+`, count(*) FROM `+name+` WHERE NOT bot GROUP BY 1, 2 ORDER BY 1, 2
		ON CONFLICT (participant_id, day) DO UPDATE SET clicks = click_daily.clicks + excluded.clicks`); err != nil {
		return 0, err
	}
	_, err = q.exec(ctx, `/* dropClickMonth.drop */ DROP TABLE `+name)
	return n, err
}
