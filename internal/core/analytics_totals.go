package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// ProgramStats returns the program's totals: participants, referrals,
// clicks, rewards by status and kind, and the points and credit
// participants hold. It runs a fixed number of queries however large the
// program is.
func (s *Service) ProgramStats(ctx context.Context) (referralhub.ProgramTotals, error) {
	return s.db.Replica(ctx).ProgramTotals(ctx)
}
