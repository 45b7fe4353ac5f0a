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
	Points    int64
	Referrals []referralhub.ReferredUser
	Page      int // 1-based
	Pages     int
}

// Dashboard loads participant p's stats and one page of their referrals in a
// fixed number of queries, however many referrals they have.
func (s *Service) Dashboard(ctx context.Context, p referralhub.Participant, page int) (Dashboard, error) {
	q := s.db.Read()
	stats, err := q.ReferralStats(ctx, p.ID, s.now().Add(-s.settings.ActiveWindow))
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Stats: stats, Points: stats.Referrals * s.settings.PointsPerReferral}
	d.Pages = max(1, int((stats.Referrals+ReferralsPerPage-1)/ReferralsPerPage))
	d.Page = min(max(page, 1), d.Pages)
	if stats.Referrals > 0 {
		d.Referrals, err = q.ReferredUsers(ctx, p.ID, ReferralsPerPage, (d.Page-1)*ReferralsPerPage)
	}
	return d, err
}
