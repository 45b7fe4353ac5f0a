package core

import (
	"context"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// ProgramStats returns the program's totals: participants, referrals,
// clicks, rewards by status and kind, and the points and credit
// participants hold. It runs a fixed number of queries however large the
// program is.
func (s *Service) ProgramStats(ctx context.Context) (referralhub.ProgramTotals, error) {
	return s.db.Replica(ctx).ProgramTotals(ctx)
}

// RecountProgram counts the program-wide figures again from their rows,
// repairs the kept counts, and returns those that were wrong.
func (s *Service) RecountProgram(ctx context.Context) ([]storage.CountDiff, error) {
	return s.db.RecountProgramCounts(ctx)
}
