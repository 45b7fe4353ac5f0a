// analytics_cycles: the viral cycle times of referrers, per day and bucket.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// CycleBucket counts referrers whose viral cycle time fell in one bucket:
// floor(100 * log10(seconds)), see CycleBucketOf.
type CycleBucket struct {
	Day       string // "" when summed over a period
	Bucket    int
	Referrers int64
	Seconds   int64 // their cycle times, summed
}

// CycleBucketOf is the bucket of a viral cycle time: floor(100 *
// log10(seconds)), and 0 for a second or less. Bucket b spans
// [10^(b/100), 10^((b+1)/100)) seconds, about 2.3% wide.
func CycleBucketOf(d time.Duration) int {
	s := d.Seconds()
	if s <= 1 {
		return 0
	}
	return int(math.Floor(100 * math.Log10(s)))
}

// Mean is the mean cycle time of the bucket's referrers.
func (c CycleBucket) Mean() time.Duration {
	if c.Referrers == 0 {
		return 0
	}
	return time.Duration(float64(c.Seconds) / float64(c.Referrers) * float64(time.Second))
}

// countCycles buckets the viral cycle time of every referrer whose first
// referred signup fell in the range: from their own signup to it.
func (q *Queries) countCycles(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	type key struct {
		day    string
		bucket int
	}
	counts := map[key]*CycleBucket{}
	err := queryEach(ctx, q, "analytics cycles", `/* Analytics.cycles */ SELECT r.created_at, p.created_at FROM referrals r
		JOIN participants p ON p.id = r.referrer_id
		WHERE r.created_at >= $1 AND r.created_at < $2
		AND NOT EXISTS (SELECT 1 FROM referrals e WHERE e.referrer_id = r.referrer_id
			AND (e.created_at < r.created_at OR e.created_at = r.created_at AND e.id < r.id))`, func(r rowScanner) error {
		var first, joined time.Time
		if err := r.Scan(&first, &joined); err != nil {
			return err
		}
		k := key{first.UTC().Format(dayFormat), CycleBucketOf(first.Sub(joined))}
		if counts[k] == nil {
			counts[k] = &CycleBucket{Day: k.day, Bucket: k.bucket}
		}
		counts[k].Referrers++
		counts[k].Seconds += int64(first.Sub(joined).Seconds())
		return nil
	}, q.ts(from), q.ts(to))
	for _, c := range counts {
		a.cycles = append(a.cycles, *c)
	}
	return err
}

// storeCycleRows inserts cycle buckets with multi-row statements.
func (q *Queries) storeCycleRows(ctx context.Context, rows []CycleBucket) error {
	return inChunks(len(rows), 4, func(start, end int) error {
		args := make([]any, 0, (end-start)*4)
		for _, c := range rows[start:end] {
			args = append(args, c.Day, c.Bucket, c.Referrers, c.Seconds)
		}
		_, err := q.exec(ctx, q.valuesSQL(`/* Analytics.storeCycles */ INSERT INTO analytics_cycles (day, bucket, referrers, seconds) VALUES `,
			end-start, 4, ""), args...)
		if err != nil {
			return fmt.Errorf("store analytics cycles: %w", err)
		}
		return nil
	})
}

// AnalyticsCycles sums the viral cycle buckets of referrers whose first
// referred signup fell from first to last (days, both included), by
// bucket in order.
func (q *Queries) AnalyticsCycles(ctx context.Context, first, last string) ([]CycleBucket, error) {
	return queryList(ctx, q, "analytics cycles", `/* AnalyticsCycles */ SELECT bucket, SUM(referrers), SUM(seconds) FROM analytics_cycles
		WHERE day >= $1 AND day <= $2 GROUP BY bucket ORDER BY bucket`, func(r rowScanner) (CycleBucket, error) {
		var c CycleBucket
		err := r.Scan(&c.Bucket, &c.Referrers, &c.Seconds)
		return c, err
	}, first, last)
}

// StorePeriodCycle stores the viral cycle time of the preset period of
// days days ending on toDay: how many referrers it counts and their median.
func (db *DB) StorePeriodCycle(ctx context.Context, days int, toDay string, referrers int64, median time.Duration) error {
	_, err := db.Write().exec(ctx, `/* StorePeriodCycle */ INSERT INTO analytics_period_cycles (days, to_day, referrers, median_ns)
		VALUES ($1, $2, $3, $4) ON CONFLICT (days) DO UPDATE SET to_day = excluded.to_day, referrers = excluded.referrers,
		median_ns = excluded.median_ns`, days, toDay, referrers, int64(median))
	if err != nil {
		return fmt.Errorf("store period cycle: %w", err)
	}
	return nil
}

// StoredPeriodCycle returns the stored viral cycle time of the preset
// period of days days ending on toDay; ok is false when none is stored for
// that day (not refreshed since it began).
func (q *Queries) StoredPeriodCycle(ctx context.Context, days int, toDay string) (referrers int64, median time.Duration, ok bool, err error) {
	var (
		day string
		ns  int64
	)
	err = q.queryRow(ctx, `/* StoredPeriodCycle */ SELECT to_day, referrers, median_ns FROM analytics_period_cycles WHERE days = $1`,
		days).Scan(&day, &referrers, &ns)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("stored period cycle: %w", err)
	}
	if day != toDay {
		return 0, 0, false, nil
	}
	return referrers, time.Duration(ns), true, nil
}
