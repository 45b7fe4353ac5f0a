package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AnalyticsMonth is one UTC month of signups, summed from the daily
// rollups.
type AnalyticsMonth struct {
	Month           string // YYYY-MM
	OrganicSignups  int64
	ReferredSignups int64
}

// AnalyticsRefreshed says when the rollups were last refreshed; zero for
// never.
type AnalyticsRefreshed struct {
	Days, Cohorts time.Time
}

// AnalyticsDays returns the daily rollups of the days from first to last
// (YYYY-MM-DD, both included) that have been rolled up, in order.
func (q *Queries) AnalyticsDays(ctx context.Context, first, last string) ([]AnalyticsDay, error) {
	return queryList(ctx, q, "analytics days", `/* AnalyticsDays */ SELECT day, clicks, unique_clicks, organic_signups, referred_signups,
		verified, converted FROM analytics_days WHERE day >= $1 AND day <= $2 ORDER BY day`, func(r rowScanner) (AnalyticsDay, error) {
		var d AnalyticsDay
		err := r.Scan(&d.Day, &d.Clicks, &d.UniqueClicks, &d.OrganicSignups, &d.ReferredSignups, &d.Verified, &d.Converted)
		return d, err
	}, first, last)
}

// AnalyticsMonths returns signups per month over every rolled-up day, in
// order.
func (q *Queries) AnalyticsMonths(ctx context.Context) ([]AnalyticsMonth, error) {
	return queryList(ctx, q, "analytics months", `/* AnalyticsMonths */ SELECT substr(day, 1, 7), SUM(organic_signups), SUM(referred_signups)
		FROM analytics_days GROUP BY 1 ORDER BY 1`, func(r rowScanner) (AnalyticsMonth, error) {
		var m AnalyticsMonth
		err := r.Scan(&m.Month, &m.OrganicSignups, &m.ReferredSignups)
		return m, err
	})
}

// AnalyticsRewards sums the rewards issued from first to last (days, both
// included) per kind and currency.
func (q *Queries) AnalyticsRewards(ctx context.Context, first, last string) ([]RewardTotal, error) {
	return queryList(ctx, q, "analytics rewards", `/* AnalyticsRewards */ SELECT kind, currency, SUM(rewards), SUM(amount) FROM analytics_rewards
		WHERE day >= $1 AND day <= $2 GROUP BY kind, currency ORDER BY kind, currency`, func(r rowScanner) (RewardTotal, error) {
		var t RewardTotal
		err := r.Scan(&t.Kind, &t.Currency, &t.Rewards, &t.Amount)
		return t, err
	}, first, last)
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

// AnalyticsCohorts returns every cohort, by month then organic before
// referred, with its purchase values.
func (q *Queries) AnalyticsCohorts(ctx context.Context) ([]Cohort, error) {
	var out []Cohort
	err := queryEach(ctx, q, "analytics cohorts", `/* AnalyticsCohorts */ SELECT c.month, c.referred, c.members, c.eligible, c.retained, c.purchasers,
		COALESCE(v.currency, ''), COALESCE(v.amount, 0) FROM analytics_cohorts c
		LEFT JOIN analytics_cohort_values v ON v.month = c.month AND v.referred = c.referred
		ORDER BY c.month, c.referred, v.currency`, func(r rowScanner) error {
		var (
			c Cohort
			v CohortValue
		)
		if err := r.Scan(&c.Month, &c.Referred, &c.Members, &c.Eligible, &c.Retained, &c.Purchasers, &v.Currency, &v.Amount); err != nil {
			return err
		}
		if n := len(out); n == 0 || out[n-1].Month != c.Month || out[n-1].Referred != c.Referred {
			out = append(out, c)
		}
		if v.Currency != "" || v.Amount != 0 {
			last := &out[len(out)-1]
			last.Values = append(last.Values, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AnalyticsRefreshedAt says when the daily rollups and the cohorts were
// last refreshed.
func (q *Queries) AnalyticsRefreshedAt(ctx context.Context) (AnalyticsRefreshed, error) {
	var r AnalyticsRefreshed
	err := queryEach(ctx, q, "analytics state", `/* AnalyticsRefreshedAt */ SELECT name, refreshed_at FROM analytics_state`, func(row rowScanner) error {
		var (
			name string
			at   time.Time
		)
		if err := row.Scan(&name, &at); err != nil {
			return err
		}
		switch name {
		case "days":
			r.Days = at
		case "cohorts":
			r.Cohorts = at
		}
		return nil
	})
	return r, err
}

// AnalyticsCoverage returns the first and last rolled-up days and how
// many days are rolled up; a gap shows as fewer days than the span.
func (q *Queries) AnalyticsCoverage(ctx context.Context) (first, last string, days int64, err error) {
	var f, l sql.NullString
	err = q.queryRow(ctx, `/* AnalyticsCoverage */ SELECT min(day), max(day), count(*) FROM analytics_days`).Scan(&f, &l, &days)
	if err != nil {
		return "", "", 0, fmt.Errorf("analytics coverage: %w", err)
	}
	return f.String, l.String, days, nil
}

// FirstSignupAt returns when the first participant was created; ok is
// false when there is none.
func (q *Queries) FirstSignupAt(ctx context.Context) (t time.Time, ok bool, err error) {
	err = q.queryRow(ctx, `/* FirstSignupAt */ SELECT created_at FROM participants ORDER BY created_at LIMIT 1`).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("first signup: %w", err)
	}
	return t, true, nil
}
