package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// RiskReplay is the outcome of re-running the risk checks over stored
// referrals: how many would be flagged (held or blocked) today, by signal.
type RiskReplay struct {
	Referrals int
	Flagged   int
	BySignal  map[string]int
}

// ReplayRisk re-runs the checks that stored data allows (email, disposable
// domains, velocity per referrer, rings by email) over up to limit stored
// referrals, each as of its own time, without changing anything: a
// false-positive measure for a program's settings. Device and IP signals
// need the sightings of the moment and are left out.
func (s *Service) ReplayRisk(ctx context.Context, limit int) (RiskReplay, error) {
	out := RiskReplay{BySignal: map[string]int{}}
	prog, err := s.Program(ctx)
	if err != nil {
		return out, err
	}
	fraud := prog.FraudOrDefault()
	q := s.db.Read()
	refs, err := q.ReplayableReferrals(ctx, limit)
	if err != nil {
		return out, err
	}
	for _, r := range refs {
		a, err := s.assess(ctx, q, fraud, r.ReferrerID, riskInput{email: r.RefereeEmail}, r.CreatedAt)
		if err != nil {
			return out, err
		}
		out.Referrals++
		if a.review != referralhub.ReviewClear {
			out.Flagged++
		}
		for _, sig := range a.signals {
			out.BySignal[sig.Code]++
		}
	}
	return out, nil
}
