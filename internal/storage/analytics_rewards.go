// analytics_rewards: the rewards issued per day, kind and currency.

package storage

import (
	"context"
	"fmt"
	"github.com/referralhub/referralhub"
	"time"
)

// countRewards sums rewards issued per day, kind and currency: earned
// ledger entries credited that day and not cancelled.
func (q *Queries) countRewards(ctx context.Context, a *analyticsDays, from, to time.Time) error {
	return queryEach(ctx, q, "analytics rewards", `/* Analytics.rewards */ SELECT `+q.d.dayOf("credited_at")+`, kind, currency, count(*), SUM(amount)
		FROM rewards WHERE entry = 'reward' AND cancelled_at IS NULL AND credited_at >= $1 AND credited_at < $2
		GROUP BY 1, 2, 3`, func(row rowScanner) error {
		var r referralhub.RewardTotal
		if err := row.Scan(&r.Day, &r.Kind, &r.Currency, &r.Rewards, &r.Amount); err != nil {
			return err
		}
		a.rewards = append(a.rewards, r)
		return nil
	}, q.ts(from), q.ts(to))
}

// storeRewardRows inserts rewards rows with multi-row statements.
func (q *Queries) storeRewardRows(ctx context.Context, rows []referralhub.RewardTotal) error {
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

// AnalyticsRewards sums the rewards issued from first to last (days, both
// included) per kind and currency.
func (q *Queries) AnalyticsRewards(ctx context.Context, first, last string) ([]referralhub.RewardTotal, error) {
	return queryList(ctx, q, "analytics rewards", `/* AnalyticsRewards */ SELECT kind, currency, SUM(rewards), SUM(amount) FROM analytics_rewards
		WHERE day >= $1 AND day <= $2 GROUP BY kind, currency ORDER BY kind, currency`, func(r rowScanner) (referralhub.RewardTotal, error) {
		var t referralhub.RewardTotal
		err := r.Scan(&t.Kind, &t.Currency, &t.Rewards, &t.Amount)
		return t, err
	}, first, last)
}
