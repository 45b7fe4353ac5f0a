package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// ReferralsPerPage is how many referrals a dashboard page lists.
const ReferralsPerPage = 50

// Dashboard is what a participant sees on their dashboard.
type Dashboard struct {
	Stats     referralhub.ReferralStats
	Points    int64                 // available points, from the ledger
	Balances  []referralhub.Balance // everything held, from the ledger
	Referrals []referralhub.ReferredUser
	Page      int // 1-based
	Pages     int
	Tier      referralhub.TierProgress
	Badges    []referralhub.EarnedBadge
}

// Dashboard builds participant p's dashboard in a fixed number of queries
// however many referrals they have: the counts come with p (they are kept on
// the participant row), and the active network and the page of referrals
// take one query each unless cached, and the balances one more from the
// ledger.
func (s *Service) Dashboard(ctx context.Context, p referralhub.Participant, page int) (Dashboard, error) {
	active, err := s.activeNetwork(ctx, p.ID)
	if err != nil {
		return Dashboard{}, err
	}
	stats := referralhub.ReferralStats{Referrals: p.ReferralCount, ActiveNetwork: active, Clicks: p.ClickCount}
	d := Dashboard{Stats: stats}
	if d.Balances, err = s.db.Read().Balances(ctx, p.ID); err != nil {
		return Dashboard{}, err
	}
	d.Points = pointsOf(d.Balances)
	if d.Tier, d.Badges, err = s.achievements(ctx, p); err != nil {
		return Dashboard{}, err
	}
	d.Pages = max(1, int((stats.Referrals+ReferralsPerPage-1)/ReferralsPerPage))
	d.Page = min(max(page, 1), d.Pages)
	if stats.Referrals > 0 {
		d.Referrals, err = s.referralPage(ctx, p, d.Page)
	}
	return d, err
}
