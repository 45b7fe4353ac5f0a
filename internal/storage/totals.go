// Counts over the whole program: participants, referrals, clicks, rewards and balances.

package storage

import (
	"context"
	"fmt"

	"github.com/referralhub/referralhub"
)

// ProgramTotals are counts over the whole program.
type ProgramTotals struct {
	Participants int64 // deleted accounts left out
	Referrals    int64
	Clicks       int64 // human clicks, including ones reduced to daily counts
	Rewards      []RewardCount
	// Outstanding is what participants hold in points and credit, per
	// currency: available (not yet spent) and pending.
	Outstanding []referralhub.Balance
}

// ProgramTotals counts participants, referrals, clicks and rewards, and
// sums outstanding points and credit, in three statements however large
// the program is.
func (q *Queries) ProgramTotals(ctx context.Context) (ProgramTotals, error) {
	var t ProgramTotals
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
