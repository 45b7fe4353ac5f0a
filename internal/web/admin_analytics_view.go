package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// analyticsView is the admin's analytics page.
type analyticsView struct {
	From, To  string // the period, for the form
	Presets   []presetLink
	Refreshed string // when the daily figures were refreshed
	Cohorts   string // when the cohorts were refreshed
	Problem   string // a period that could not be read
	// Campaign is the campaign whose figures the period's cards, chart
	// and rewards show (?campaign=slug), nil for the whole program;
	// Campaigns are the choices.
	Campaign  *referralhub.Campaign
	Campaigns []referralhub.Campaign
	Cards     []statCard
	Tables    []analyticsTable
	Chart     chartData
}

// presetLink is one of the period presets.
type presetLink struct {
	Label, Href string
	Current     bool
}

// statCard is one headline figure, with what it counts said beside it.
type statCard struct {
	ID, Label, Value, Note string
	Help                   string
}

// chartData is what static/analytics.js draws, passed in a JSON script
// element because the CSP forbids inline scripts.
type chartData struct {
	Days          []string `json:"days"`
	Clicks        []int64  `json:"clicks"`
	UniqueClicks  []int64  `json:"unique_clicks"`
	Referred      []int64  `json:"referred"`
	Organic       []int64  `json:"organic"`
	Converted     []int64  `json:"converted"`
	Funnel        []int64  `json:"funnel"` // unique clicks, referred signups, verified, converted
	Months        []string `json:"months"`
	MonthOrganic  []int64  `json:"month_organic"`
	MonthReferred []int64  `json:"month_referred"`
	// Today is the index in Days of today, which is not over and is drawn
	// dashed and labelled "today so far"; -1 when the period ends before.
	Today int `json:"today"`
}

func newAnalyticsView(a core.Analytics, now time.Time) analyticsView {
	v := analyticsView{From: a.Period.FirstDay(), To: a.Period.LastDay(),
		Refreshed: refreshedText(a.Refreshed.Days, now), Cohorts: refreshedText(a.Refreshed.Cohorts, now),
		Cards: analyticsCards(a), Tables: analyticsTables(a), Chart: newChartData(a, now)}
	today := core.LastDays(now, 1).To
	for _, n := range core.PeriodPresets() {
		p := core.LastDays(now, n)
		v.Presets = append(v.Presets, presetLink{Label: fmt.Sprintf("Last %d days", n), Href: "/admin/analytics?days=" + fmt.Sprint(n),
			Current: a.Period.To.Equal(today) && a.Period.From.Equal(p.From)})
	}
	return v
}

// refreshedText says when rollups were refreshed, and how long ago.
func refreshedText(t, now time.Time) string {
	if t.IsZero() {
		return "never: the first refresh runs within minutes of starting the server"
	}
	ago := now.Sub(t).Round(time.Minute)
	if ago < time.Minute {
		return t.UTC().Format("2 Jan 2006 15:04 UTC") + " (just now)"
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC") + " (" + strings.TrimSuffix(ago.String(), "0s") + " ago)"
}

func analyticsCards(a core.Analytics) []statCard {
	t := a.Totals
	conv := "—"
	if t.HasClickToSignup {
		conv = fmt.Sprintf("%.1f%%", 100*t.ClickToSignup)
	}
	var issued int64
	var values, costs []string
	for _, r := range a.Rewards {
		issued += r.Rewards
		value := rewardValue(r.Kind, r.Amount, r.Currency)
		if r.Kind == referralhub.KindCredit || r.Kind == referralhub.KindCoupon {
			value += " " + r.Kind
		}
		values = append(values, value)
	}
	for _, c := range a.Costs {
		cost := "—"
		if c.Customers > 0 {
			cost = core.FormatMoney(c.PerCustomer, c.Currency)
		}
		costs = append(costs, cost)
	}
	return []statCard{
		{"clicks", "Clicks", count(t.UniqueClicks), fmt.Sprintf("unique, of %d in all (bots left out)", t.Clicks),
			"Visits through referral links, one per visitor and link a day; bots and link previews are not counted."},
		{"referred", "Referred signups", count(t.ReferredSignups), fmt.Sprintf("and %d organic", t.OrganicSignups),
			"People who signed up through someone's link in the period; organic signups came without one."},
		{"conversion", "Click to signup", conv, "referred signups ÷ unique clicks",
			"How many unique clicks turned into a signup: referred signups divided by unique clicks."},
		{"verified", "Verified referrals", count(t.Verified), "referees who verified their email",
			"Referred people of the period who have verified their email address by now."},
		{"converted", "Converted referrals", count(t.Converted), "referees' first purchases",
			"Referred people whose first purchase was recorded in the period."},
		{"rewards", "Rewards issued", count(issued), orDash(strings.Join(values, " · ")),
			"Reward entries credited in the period under the rules (admin adjustments and coupons bought with points left out), with their total value by kind."},
		{"cost", "Cost per referred customer", orDash(strings.Join(costs, " · ")), "money rewards ÷ converted referrals",
			"Credit and coupon value issued, divided by the converted referrals: what one new paying customer cost in rewards."},
		{"cycle", "Viral cycle time", cycleText(a.Cycle), fmt.Sprintf("median, over %d referrers' first referral", a.Cycle.Referrers),
			"How long people take from signing up to bringing their first referral: the middle value over the referrers counted."},
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// cycleText formats a median cycle time in days, or hours when short.
func cycleText(c core.CycleTime) string {
	switch {
	case c.Referrers == 0:
		return "—"
	case c.Median < 48*time.Hour:
		return fmt.Sprintf("%.1f hours", c.Median.Hours())
	}
	return fmt.Sprintf("%.1f days", c.Median.Hours()/24)
}

func newChartData(a core.Analytics, now time.Time) chartData {
	c := chartData{Funnel: []int64{a.Totals.UniqueClicks, a.Totals.ReferredSignups, a.Totals.Verified, a.Totals.Converted}, Today: -1}
	today := now.UTC().Format(time.DateOnly)
	for i, d := range a.Days {
		if d.Day == today {
			c.Today = i
		}
		c.Days = append(c.Days, d.Day)
		c.Clicks = append(c.Clicks, d.Clicks)
		c.UniqueClicks = append(c.UniqueClicks, d.UniqueClicks)
		c.Referred = append(c.Referred, d.ReferredSignups)
		c.Organic = append(c.Organic, d.OrganicSignups)
		c.Converted = append(c.Converted, d.Converted)
	}
	for _, m := range a.Growth {
		c.Months = append(c.Months, m.Month)
		c.MonthOrganic = append(c.MonthOrganic, m.OrganicSignups)
		c.MonthReferred = append(c.MonthReferred, m.ReferredSignups)
	}
	return c
}
