package core

import (
	"context"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// experimentRules is prog as an experiment changes it for one referral's
// event: the referrer's variant's rules in place of the campaign's (none
// for a referrer held out, so neither side earns on their referrals), and
// the friend if held out, who must not be credited whatever the rules say. Both sides are
// assigned here if this is their first exposure.
func (s *Service) experimentRules(ctx context.Context, q *storage.Queries, prog referralhub.Program,
	parties storage.ReferralParties) (referralhub.Program, map[int64]bool, error) {
	var held map[int64]bool
	for _, id := range []int64{parties.ReferrerID, parties.RefereeID} {
		if id == 0 {
			continue
		}
		e, err := s.exposure(ctx, q, id)
		if err != nil {
			return prog, nil, err
		}
		switch {
		case e.Holdout() && id == parties.ReferrerID:
			prog.Rules = nil // the holdout has no program: their referrals earn nothing, either side
		case e.Holdout():
			if held == nil {
				held = map[int64]bool{}
			}
			held[id] = true
		case e.Arm != "" && id == parties.ReferrerID:
			prog.Rules = e.Rules // prog is a copy: the campaign's own is untouched
		}
	}
	return prog, held, nil
}
