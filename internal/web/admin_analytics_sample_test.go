package web

import (
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// analyticsViewSample is the analytics page with a little of everything,
// for the template test.
func analyticsViewSample() analyticsView {
	now := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	a := core.Analytics{Period: core.LastDays(now, 7), Refreshed: referralhub.AnalyticsRefreshed{Days: now.Add(-3 * time.Minute)},
		Days:    []referralhub.AnalyticsDay{{Day: "2026-12-31", Clicks: 3, UniqueClicks: 2, ReferredSignups: 1}},
		Growth:  core.GrowthTable([]referralhub.AnalyticsMonth{{Month: "2026-11", OrganicSignups: 2, ReferredSignups: 1}, {Month: "2026-12", ReferredSignups: 3}}),
		Top:     []referralhub.TopReferrer{{ParticipantID: 1, Name: "alice", Code: "abcdefgh", Referrals: 3, Verified: 2, Converted: 1}},
		Cohorts: []referralhub.Cohort{{Month: "2026-11", Referred: true, Members: 3, Eligible: 2, Retained: 1, Values: []referralhub.CohortValue{{Currency: "usd", Amount: 500}}}},
		Rewards: []referralhub.RewardTotal{{Kind: "points", Rewards: 1, Amount: 10}, {Kind: "credit", Currency: "usd", Rewards: 2, Amount: 1000}},
		Costs:   []core.CustomerCost{{Currency: "usd", Value: 1000, PerCustomer: 1000, Customers: 1}},
		Cycle:   core.CycleTime{Referrers: 1, Median: 30 * time.Hour}}
	v := newAnalyticsView(a, now)
	v.Problem = "The start date must not be after the end date."
	return v
}
