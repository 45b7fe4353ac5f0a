package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// ReferralsPerPage is how many referrals a dashboard page lists.
const ReferralsPerPage = 50

// Overview is a participant's standing: their counts, balances, tier and
// badges. The dashboard and the embedded referral page show it.
type Overview struct {
	Stats    referralhub.ReferralStats
	Points   int64                 // available points, from the ledger
	Balances []referralhub.Balance // everything held, from the ledger
	Tier     referralhub.TierProgress
	Badges   []referralhub.EarnedBadge
}

// Dashboard is what a participant sees on their dashboard: their overview
// and a page of their referrals.
type Dashboard struct {
	Overview
	Referrals []referralhub.ReferredUser
	Page      int // 1-based
	Pages     int
	// Channels are the participant's figures per share channel, for the
	// channels that have any.
	Channels []referralhub.ChannelTotals
}

// Overview builds participant p's overview in a fixed number of queries
// however many referrals they have: the counts come with p (they are kept
// on the participant row), the active network takes one query unless
// cached, the balances one from the ledger, and the badges one unless
// cached.
func (s *Service) Overview(ctx context.Context, p referralhub.Participant) (Overview, error) {
	active, err := s.activeNetwork(ctx, p.ID)
	if err != nil {
		return Overview{}, err
	}
	o := Overview{Stats: referralhub.ReferralStats{Referrals: p.ReferralCount, ActiveNetwork: active, Clicks: p.ClickCount}}
	if o.Balances, err = s.db.Replica(ctx).Balances(ctx, p.ID); err != nil {
		return Overview{}, err
	}
	o.Points = pointsOf(o.Balances)
	if o.Tier, o.Badges, err = s.achievements(ctx, p); err != nil {
		return Overview{}, err
	}
	return o, nil
}

// Dashboard builds participant p's dashboard: the overview, their
// figures by share channel in one query, and the page of referrals (with
// each one's state and earnings) in two more unless cached.
func (s *Service) Dashboard(ctx context.Context, p referralhub.Participant, page int) (Dashboard, error) {
	o, err := s.Overview(ctx, p)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Overview: o}
	if d.Channels, err = s.db.Replica(ctx).ChannelFigures(ctx, p.ID); err != nil {
		return Dashboard{}, err
	}
	d.Pages = max(1, int((o.Stats.Referrals+ReferralsPerPage-1)/ReferralsPerPage))
	d.Page = min(max(page, 1), d.Pages)
	if o.Stats.Referrals > 0 {
		d.Referrals, err = s.referralPage(ctx, p, d.Page, stampOf(p, o.Balances))
	}
	return d, err
}
