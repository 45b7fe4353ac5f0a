// Counts over the whole program: participants, referrals, clicks, rewards and balances.

package storage

import (
	"context"

	"github.com/referralhub/referralhub"
)

// ProgramTotals counts participants, referrals, clicks and rewards, and
// sums outstanding points and credit, from the program counts the
// triggers keep (see program_counts.go): one read of a few rows, however
// large the program is.
func (q *Queries) ProgramTotals(ctx context.Context) (referralhub.ProgramTotals, error) {
	counts, err := q.ProgramCounts(ctx)
	if err != nil {
		return referralhub.ProgramTotals{}, err
	}
	return programTotals(counts), nil
}
