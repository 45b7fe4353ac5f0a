package core

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// TopReferrerCount is how many referrers the analytics list.
const TopReferrerCount = 20

// Analytics is the growth report of one period; see docs/analytics.md for
// the definition of every figure.
type Analytics struct {
	Period    Period
	Refreshed referralhub.AnalyticsRefreshed
	Totals    Totals
	Days      []referralhub.AnalyticsDay // every day of the period, zeros where nothing happened
	Rewards   []referralhub.RewardTotal  // rewards issued in the period per kind and currency
	Costs     []CustomerCost             // per currency
	Cycle     CycleTime
	Growth    []GrowthMonth // every month since the first signup
	Top       []referralhub.TopReferrer
	Cohorts   []referralhub.Cohort        // every month since the first signup
	Channels  []referralhub.ChannelTotals // the period's figures per share channel, by most clicks
}

// Totals are the period's headline counts.
type Totals struct {
	Clicks, UniqueClicks            int64
	OrganicSignups, ReferredSignups int64
	Verified, Converted             int64
	ClickToSignup                   float64 // referred signups / unique clicks, 0 when there were none
	HasClickToSignup                bool
}

// CustomerCost is the money value of rewards issued in one currency,
// divided by the period's converted referrals.
type CustomerCost struct {
	Currency    string
	Value       int64 // minor units
	PerCustomer int64 // minor units, rounded; valid when Customers > 0
	Customers   int64
}

// CycleTime is the median viral cycle time of the referrers whose first
// referred signup fell in the period.
type CycleTime struct {
	Referrers int64
	Median    time.Duration // within 2.3%, exact when its bucket holds one value; zero when Referrers is 0
}

// GrowthMonth is one row of the growth table.
type GrowthMonth struct {
	Month           string // YYYY-MM
	OrganicSignups  int64
	ReferredSignups int64
	Share           float64 // referred / all signups of the month
	AtStart         int64   // participants created before the month began
	K               float64 // ReferredSignups / AtStart; valid when AtStart > 0
}

// Analytics returns the growth report of p, read from the rollups. Only
// admins may read it.
func (s *Service) Analytics(ctx context.Context, viewer referralhub.User, p Period) (Analytics, error) {
	if !viewer.IsAdmin {
		return Analytics{}, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can see analytics.")
	}
	return s.analytics(ctx, p)
}

func (s *Service) analytics(ctx context.Context, p Period) (Analytics, error) {
	a, err := s.PeriodStats(ctx, p)
	if err != nil {
		return a, err
	}
	q := s.db.Replica(ctx)
	months, err := q.AnalyticsMonths(ctx)
	if err != nil {
		return a, err
	}
	a.Growth = GrowthTable(months)
	if a.Top, err = s.topReferrers(ctx, p); err != nil {
		return a, err
	}
	if a.Channels, err = q.AnalyticsChannels(ctx, p.FirstDay(), p.LastDay()); err != nil {
		return a, err
	}
	a.Cohorts, err = q.AnalyticsCohorts(ctx)
	return a, err
}

// topReferrers reads the top referrers of a preset period ending today
// from the last refresh, and searches any other period's.
func (s *Service) topReferrers(ctx context.Context, p Period) ([]referralhub.TopReferrer, error) {
	q := s.db.Replica(ctx)
	if n := p.Days(); slices.Contains(PeriodPresets(), n) && p == LastDays(s.now(), n) {
		top, ok, err := q.StoredTopReferrers(ctx, n, p.LastDay())
		if err != nil || ok {
			return top, err
		}
	}
	return q.TopReferrers(ctx, p.From, p.End(), TopReferrerCount)
}

// PeriodStats returns the figures of p alone, for the API: the refresh
// times, totals, days, rewards, costs and cycle time, without the growth
// table, top referrers and cohorts. It reads a handful of rollup rows per
// day of the period.
func (s *Service) PeriodStats(ctx context.Context, p Period) (a Analytics, err error) {
	a.Period = p
	q := s.db.Replica(ctx)
	if a.Refreshed, err = q.AnalyticsRefreshedAt(ctx); err != nil {
		return a, err
	}
	days, err := q.AnalyticsDays(ctx, p.FirstDay(), p.LastDay())
	if err != nil {
		return a, err
	}
	a.Days, a.Totals = fillDays(p, days)
	if a.Rewards, err = q.AnalyticsRewards(ctx, p.FirstDay(), p.LastDay()); err != nil {
		return a, err
	}
	a.Costs = customerCosts(a.Rewards, a.Totals.Converted)
	a.Cycle, err = s.periodCycle(ctx, p)
	return a, err
}

// periodCycle reads the viral cycle time of a preset period ending today
// from the last refresh, and sums any other period's buckets.
func (s *Service) periodCycle(ctx context.Context, p Period) (CycleTime, error) {
	q := s.db.Replica(ctx)
	if n := p.Days(); slices.Contains(PeriodPresets(), n) && p == LastDays(s.now(), n) {
		referrers, median, ok, err := q.StoredPeriodCycle(ctx, n, p.LastDay())
		if err != nil || ok {
			return CycleTime{Referrers: referrers, Median: median}, err
		}
	}
	cycles, err := q.AnalyticsCycles(ctx, p.FirstDay(), p.LastDay())
	return medianCycle(cycles), err
}

// ByMonth sums days (in order) into one row per month; each row's Day is
// the first of its days, so a month cut by the period starts where the
// period does.
func ByMonth(days []referralhub.AnalyticsDay) []referralhub.AnalyticsDay {
	var out []referralhub.AnalyticsDay
	for _, d := range days {
		n := len(out)
		if n == 0 || out[n-1].Day[:7] != d.Day[:7] {
			out = append(out, referralhub.AnalyticsDay{Day: d.Day})
			n++
		}
		m := &out[n-1]
		m.Clicks += d.Clicks
		m.UniqueClicks += d.UniqueClicks
		m.OrganicSignups += d.OrganicSignups
		m.ReferredSignups += d.ReferredSignups
		m.Verified += d.Verified
		m.Converted += d.Converted
	}
	return out
}

// fillDays returns a row for every day of p, taking rolled-up days from
// days (in order), and the period's totals.
func fillDays(p Period, days []referralhub.AnalyticsDay) ([]referralhub.AnalyticsDay, Totals) {
	var t Totals
	out := make([]referralhub.AnalyticsDay, 0, p.Days())
	i := 0
	for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
		row := referralhub.AnalyticsDay{Day: d.Format(dayLayout)}
		if i < len(days) && days[i].Day == row.Day {
			row = days[i]
			i++
		}
		out = append(out, row)
		t.Clicks += row.Clicks
		t.UniqueClicks += row.UniqueClicks
		t.OrganicSignups += row.OrganicSignups
		t.ReferredSignups += row.ReferredSignups
		t.Verified += row.Verified
		t.Converted += row.Converted
	}
	if t.UniqueClicks > 0 {
		t.ClickToSignup, t.HasClickToSignup = float64(t.ReferredSignups)/float64(t.UniqueClicks), true
	}
	return out, t
}

// customerCosts divides the money value of credit and coupon rewards, per
// currency (in order), by the converted referrals.
func customerCosts(rewards []referralhub.RewardTotal, converted int64) []CustomerCost {
	var out []CustomerCost
	index := map[string]int{}
	for _, r := range rewards {
		if r.Kind != referralhub.KindCredit && r.Kind != referralhub.KindCoupon || r.Currency == "" {
			continue
		}
		i, ok := index[r.Currency]
		if !ok {
			i, index[r.Currency] = len(out), len(out)
			out = append(out, CustomerCost{Currency: r.Currency, Customers: converted})
		}
		out[i].Value += r.Amount
	}
	for i := range out {
		if converted > 0 {
			out[i].PerCustomer = (out[i].Value + converted/2) / converted
		}
	}
	slices.SortFunc(out, func(a, b CustomerCost) int { return strings.Compare(a.Currency, b.Currency) })
	return out
}

// medianCycle finds the bucket holding the (lower) median referrer and
// reports the mean of that bucket's cycle times.
func medianCycle(buckets []storage.CycleBucket) CycleTime {
	var c CycleTime
	for _, b := range buckets {
		c.Referrers += b.Referrers
	}
	if c.Referrers == 0 {
		return c
	}
	half, seen := (c.Referrers+1)/2, int64(0)
	for _, b := range buckets {
		if seen += b.Referrers; seen >= half {
			c.Median = b.Mean()
			break
		}
	}
	return c
}

// GrowthTable turns signups per month (in order) into the growth table:
// the share of signups that were referred, and the viral coefficient K =
// referred signups in the month / participants that existed when it began.
func GrowthTable(months []referralhub.AnalyticsMonth) []GrowthMonth {
	out := make([]GrowthMonth, 0, len(months))
	var before int64
	for _, m := range months {
		g := GrowthMonth{Month: m.Month, OrganicSignups: m.OrganicSignups, ReferredSignups: m.ReferredSignups, AtStart: before}
		if all := m.OrganicSignups + m.ReferredSignups; all > 0 {
			g.Share = float64(m.ReferredSignups) / float64(all)
		}
		if before > 0 {
			g.K = float64(m.ReferredSignups) / float64(before)
		}
		out = append(out, g)
		before += m.OrganicSignups + m.ReferredSignups
	}
	return out
}
