package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
)

// LedgerVerifyEvery is how often the upkeep walks the ledger's hash
// chains: at its first hourly run of each UTC day.
const LedgerVerifyEvery = 24 * time.Hour

// VerifyLedger walks every beneficiary's ledger chain and records the
// outcome, which the admin and the metrics show. A break is no error: it
// is in the check returned (and logged as an error); the error is for a
// walk that could not finish.
func (s *Service) VerifyLedger(ctx context.Context) (referralhub.LedgerCheck, error) {
	started := s.now()
	c, err := s.db.VerifyLedger(ctx)
	if err != nil {
		return c, err
	}
	c.StartedAt, c.FinishedAt = started, s.now()
	if err := s.db.Write().InsertLedgerCheck(ctx, &c); err != nil {
		return c, err
	}
	if !c.OK {
		s.log.ErrorContext(ctx, "ledger verify: the ledger's hash chain is broken, see docs/rewards.md",
			"broken_chains", c.BreakCount, "first", c.Problem)
		return c, nil
	}
	s.log.InfoContext(ctx, "ledger verified", "chains", c.Chains, "records", c.Records, "digest", c.Digest)
	return c, nil
}

// LastLedgerCheck returns the latest walk of the ledger's chains, for an
// admin; found is false when it was never verified.
func (s *Service) LastLedgerCheck(ctx context.Context, viewer referralhub.User) (c referralhub.LedgerCheck, found bool, err error) {
	if !viewer.IsAdmin {
		return c, false, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see this.")
	}
	return s.db.Read().LastLedgerCheck(ctx)
}

// verifyLedgerDaily is the upkeep's task: it verifies the ledger when no
// walk started yet this UTC day (by this instance, another, or the
// command), and returns how many records it checked.
func (s *Service) verifyLedgerDaily(ctx context.Context) (int64, error) {
	last, found, err := s.db.Read().LastLedgerCheck(ctx)
	if err != nil {
		return 0, err
	}
	today := s.now().UTC().Truncate(LedgerVerifyEvery)
	if found && !last.StartedAt.Before(today) {
		return 0, nil
	}
	c, err := s.VerifyLedger(ctx)
	return c.Records, err
}
