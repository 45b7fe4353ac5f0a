package storage

import (
	"context"
	"fmt"
	"math"
	"time"
)

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

// countRewards sums rewards issued per day, kind and currency: earned
// ledger entries credited that day and not cancelled.
func (q *Queries) countRewards(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	return queryEach(ctx, q, "analytics rewards", `/* Analytics.rewards */ SELECT `+q.d.dayOf("credited_at")+`, kind, currency, count(*), SUM(amount)
		FROM rewards WHERE entry = 'reward' AND cancelled_at IS NULL AND credited_at >= $1 AND credited_at < $2
		GROUP BY 1, 2, 3`, func(row rowScanner) error {
		var r RewardTotal
		if err := row.Scan(&r.Day, &r.Kind, &r.Currency, &r.Rewards, &r.Amount); err != nil {
			return err
		}
		a.rewards = append(a.rewards, r)
		return nil
	}, q.ts(from), q.ts(to))
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

// storeAnalyticsDays replaces the rollups of a's days with a's rows.
func (q *Queries) storeAnalyticsDays(ctx context.Context, a *analyticsDays, now time.Time) error {
	if len(a.order) == 0 {
		return nil
	}
	first, end := a.order[0], a.order[len(a.order)-1]
	for _, table := range []string{"analytics_rewards", "analytics_cycles"} {
		if _, err := q.exec(ctx, `/* Analytics.clear */ DELETE FROM `+table+` WHERE day >= $1 AND day <= $2`, first, end); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
	}
	for _, key := range a.order {
		d := a.days[key]
		_, err := q.exec(ctx, `/* Analytics.storeDay */ INSERT INTO analytics_days (day, clicks, unique_clicks, organic_signups,
			referred_signups, verified, converted, refreshed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (day) DO UPDATE SET clicks = excluded.clicks, unique_clicks = excluded.unique_clicks,
			organic_signups = excluded.organic_signups, referred_signups = excluded.referred_signups,
			verified = excluded.verified, converted = excluded.converted, refreshed_at = excluded.refreshed_at`,
			d.Day, d.Clicks, d.UniqueClicks, d.OrganicSignups, d.ReferredSignups, d.Verified, d.Converted, q.ts(now))
		if err != nil {
			return fmt.Errorf("store analytics day: %w", err)
		}
	}
	if err := q.storeRewardRows(ctx, a.rewards); err != nil {
		return err
	}
	if err := q.storeCycleRows(ctx, a.cycles); err != nil {
		return err
	}
	return q.markRefreshed(ctx, "days", now)
}

// markRefreshed records when a part of the rollups was last refreshed.
func (q *Queries) markRefreshed(ctx context.Context, name string, now time.Time) error {
	_, err := q.exec(ctx, `/* Analytics.markRefreshed */ INSERT INTO analytics_state (name, refreshed_at) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET refreshed_at = excluded.refreshed_at`, name, q.ts(now))
	return err
}

// storeRewardRows inserts rewards rows with multi-row statements.
func (q *Queries) storeRewardRows(ctx context.Context, rows []RewardTotal) error {
	return inChunks(len(rows), 5, func(start, end int) error {
		args := make([]any, 0, (end-start)*5)
		for _, r := range rows[start:end] {
			args = append(args, r.Day, r.Kind, r.Currency, r.Rewards, r.Amount)
		}
		_, err := q.exec(ctx, q.valuesSQL(`/* Analytics.storeRewards */ INSERT INTO analytics_rewards (day, kind, currency, rewards, amount) VALUES `,
			end-start, 5, ""), args...)
		if err != nil {
			return fmt.Errorf("store analytics rewards: %w", err)
		}
		return nil
	})
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
