package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// CampaignStats returns the figures of period p for the campaign slug
// alone: its totals, days, rewards and costs, counted from the campaign's
// own rows (the program-wide figures come from the rollups and stay as
// they are). The cycle time, growth table, cohorts, top referrers and
// channels are left out: they are program-wide. An unknown slug is
// EINVALID naming the field campaign.
func (s *Service) CampaignStats(ctx context.Context, p Period, slug string) (Analytics, referralhub.Campaign, error) {
	a := Analytics{Period: p}
	c, err := s.db.Read().CampaignBySlug(ctx, slug)
	if err != nil || !validCampaignSlug(slug) {
		return a, c, &referralhub.Error{Code: referralhub.EINVALID, Message: "Unknown campaign.",
			Fields: referralhub.FieldErrors{"campaign": "Give the slug of an existing campaign."}}
	}
	q := s.db.Replica(ctx)
	if a.Refreshed, err = q.AnalyticsRefreshedAt(ctx); err != nil {
		return a, c, err
	}
	days, rewards, err := q.CampaignAnalyticsDays(ctx, c.ID, p.From, p.End())
	if err != nil {
		return a, c, err
	}
	a.Days, a.Totals = fillDays(p, days)
	a.Rewards = rewards
	a.Costs = customerCosts(a.Rewards, a.Totals.Converted)
	return a, c, nil
}

// CampaignAnalytics is Analytics with the period's figures (totals, days,
// rewards, costs) of the campaign slug alone; the rest stays program-wide.
// Only admins may read it.
func (s *Service) CampaignAnalytics(ctx context.Context, viewer referralhub.User, p Period, slug string) (Analytics, referralhub.Campaign, error) {
	a, err := s.Analytics(ctx, viewer, p)
	if err != nil {
		return a, referralhub.Campaign{}, err
	}
	ca, c, err := s.CampaignStats(ctx, p, slug)
	if err != nil {
		return a, c, err
	}
	a.Totals, a.Days, a.Rewards, a.Costs, a.Cycle = ca.Totals, ca.Days, ca.Rewards, ca.Costs, CycleTime{}
	return a, c, nil
}
