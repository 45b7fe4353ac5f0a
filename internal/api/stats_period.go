package api

import (
	"net/http"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// periodJSON is the growth figures of the period asked for (?from=&to=).
type periodJSON struct {
	From            string         `json:"from"`
	To              string         `json:"to"`
	Clicks          int64          `json:"clicks"`
	UniqueClicks    int64          `json:"unique_clicks"`
	OrganicSignups  int64          `json:"organic_signups"`
	ReferredSignups int64          `json:"referred_signups"`
	ClickToSignup   *float64       `json:"click_to_signup"`
	Verified        int64          `json:"verified"`
	Converted       int64          `json:"converted"`
	RewardsIssued   []issuedJSON   `json:"rewards_issued"`
	CustomerCost    []costJSON     `json:"cost_per_referred_customer"`
	ViralCycle      viralCycleJSON `json:"viral_cycle_time"`
	RefreshedAt     *time.Time     `json:"refreshed_at"`
}

type issuedJSON struct {
	Kind     string `json:"kind"`
	Currency string `json:"currency"`
	Count    int64  `json:"count"`
	Amount   int64  `json:"amount"`
}

type costJSON struct {
	Currency     string `json:"currency"`
	RewardsValue int64  `json:"rewards_value"`
	Amount       *int64 `json:"amount"` // null without converted referrals
}

type viralCycleJSON struct {
	Referrers     int64  `json:"referrers"`
	MedianSeconds *int64 `json:"median_seconds"`
}

// seriesJSON is the period's figures per day or per month.
type seriesJSON struct {
	Interval string      `json:"interval"`
	Points   []pointJSON `json:"points"`
}

type pointJSON struct {
	Start           string `json:"start"`
	Clicks          int64  `json:"clicks"`
	UniqueClicks    int64  `json:"unique_clicks"`
	OrganicSignups  int64  `json:"organic_signups"`
	ReferredSignups int64  `json:"referred_signups"`
	Verified        int64  `json:"verified"`
	Converted       int64  `json:"converted"`
}

// statsQuery reads ?from=, ?to= and ?interval= (day or month).
func (h *Handler) statsQuery(r *http.Request) (core.Period, string, error) {
	q := r.URL.Query()
	interval := q.Get("interval")
	switch interval {
	case "":
		interval = "day"
	case "day", "month":
	default:
		return core.Period{}, "", &referralhub.Error{Code: referralhub.EINVALID, Message: "interval is day or month.",
			Fields: map[string]string{"interval": "interval is day or month."}}
	}
	p, err := h.svc.ParsePeriod(q.Get("from"), q.Get("to"), 0)
	return p, interval, err
}

func periodView(a core.Analytics) periodJSON {
	t := a.Totals
	out := periodJSON{From: a.Period.FirstDay(), To: a.Period.LastDay(), Clicks: t.Clicks, UniqueClicks: t.UniqueClicks,
		OrganicSignups: t.OrganicSignups, ReferredSignups: t.ReferredSignups, Verified: t.Verified, Converted: t.Converted,
		RewardsIssued: []issuedJSON{}, CustomerCost: []costJSON{}, ViralCycle: viralCycleJSON{Referrers: a.Cycle.Referrers}}
	if t.HasClickToSignup {
		out.ClickToSignup = &t.ClickToSignup
	}
	for _, r := range a.Rewards {
		out.RewardsIssued = append(out.RewardsIssued, issuedJSON{Kind: r.Kind, Currency: r.Currency, Count: r.Rewards, Amount: r.Amount})
	}
	for _, c := range a.Costs {
		cost := costJSON{Currency: c.Currency, RewardsValue: c.Value}
		if c.Customers > 0 {
			cost.Amount = &c.PerCustomer
		}
		out.CustomerCost = append(out.CustomerCost, cost)
	}
	if a.Cycle.Referrers > 0 {
		s := int64(a.Cycle.Median / time.Second)
		out.ViralCycle.MedianSeconds = &s
	}
	if !a.Refreshed.Days.IsZero() {
		at := a.Refreshed.Days.UTC()
		out.RefreshedAt = &at
	}
	return out
}

func seriesView(days []referralhub.AnalyticsDay, interval string) seriesJSON {
	if interval == "month" {
		days = core.ByMonth(days)
	}
	out := seriesJSON{Interval: interval, Points: make([]pointJSON, 0, len(days))}
	for _, d := range days {
		out.Points = append(out.Points, pointJSON{Start: d.Day, Clicks: d.Clicks, UniqueClicks: d.UniqueClicks,
			OrganicSignups: d.OrganicSignups, ReferredSignups: d.ReferredSignups, Verified: d.Verified, Converted: d.Converted})
	}
	return out
}
