// Counts over the whole program: participants, referrals, clicks, rewards and balances.

package storage

import (
	"context"
	"fmt"

	"github.com/referralhub/referralhub"
)

// ProgramTotals counts participants, referrals, clicks and rewards, and
// sums outstanding points and credit, in three statements however large
// the program is.
func (q *Queries) ProgramTotals(ctx context.Context) (referralhub.ProgramTotals, error) {
	var t referralhub.ProgramTotals
	err := q.queryRow(ctx, `/* ProgramTotals */ SELECT
		(SELECT count(*) FROM participants WHERE deleted_at IS NULL),
		(SELECT count(*) FROM referrals),
		(SELECT COALESCE(SUM(click_count), 0) FROM participants)`).Scan(&t.Participants, &t.Referrals, &t.Clicks)
	if err != nil {
		return t, fmt.Errorf("program totals: %w", err)
	}
	if t.Rewards, err = q.RewardCounts(ctx); err != nil {
		return t, err
	}
	t.Outstanding, err = q.balances(ctx, `/* ProgramOutstanding */ SELECT kind, currency, COALESCE(SUM(available), 0),
		COALESCE(SUM(pending), 0) FROM balances WHERE kind IN ('points', 'credit') GROUP BY kind, currency ORDER BY kind, currency`)
	return t, err
}
