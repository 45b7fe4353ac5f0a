// analytics_state: when each part of the rollups was last refreshed.

package storage

import (
	"context"
	"github.com/referralhub/referralhub"
	"time"
)

// AnalyticsRefreshedAt says when the daily rollups and the cohorts were
// last refreshed.
func (q *Queries) AnalyticsRefreshedAt(ctx context.Context) (referralhub.AnalyticsRefreshed, error) {
	var r referralhub.AnalyticsRefreshed
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

// markRefreshed records when a part of the rollups was last refreshed.
func (q *Queries) markRefreshed(ctx context.Context, name string, now time.Time) error {
	_, err := q.exec(ctx, `/* Analytics.markRefreshed */ INSERT INTO analytics_state (name, refreshed_at) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET refreshed_at = excluded.refreshed_at`, name, q.ts(now))
	return err
}
