package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// analyticsTable is one table of the analytics page, as the page shows it
// and as its CSV export writes it: the same header and cells.
type analyticsTable struct {
	Name    string // the export's path segment and the table's id
	Title   string
	Note    string
	Header  []string
	Numeric []bool // right-aligned columns
	Rows    [][]string
}

// analyticsTables builds every table of a, in page order.
func analyticsTables(a core.Analytics) []analyticsTable {
	return []analyticsTable{growthTable(a.Growth), referrersTable(a.Top), channelsTable(a.Channels), cohortsTable(a.Cohorts),
		dailyTable(a.Days), rewardsTable(a.Rewards)}
}

// analyticsTableNamed returns the table called name, or false.
func analyticsTableNamed(a core.Analytics, name string) (analyticsTable, bool) {
	for _, t := range analyticsTables(a) {
		if t.Name == name {
			return t, true
		}
	}
	return analyticsTable{}, false
}

func count(n int64) string { return strconv.FormatInt(n, 10) }

// percent formats part/whole, or "—" when whole is 0.
func percent(part, whole int64) string {
	if whole == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}

func growthTable(months []core.GrowthMonth) analyticsTable {
	t := analyticsTable{Name: "growth", Title: "Growth, month by month",
		Note:    "K = referred signups in the month ÷ participants that existed when it began. Every month since the first signup.",
		Header:  []string{"Month", "Organic signups", "Referred signups", "Share from referrals", "Participants at start", "Viral coefficient K"},
		Numeric: []bool{false, true, true, true, true, true}}
	for _, m := range months {
		k := "—"
		if m.AtStart > 0 {
			k = strconv.FormatFloat(m.K, 'f', 2, 64)
		}
		t.Rows = append(t.Rows, []string{m.Month, count(m.OrganicSignups), count(m.ReferredSignups),
			percent(m.ReferredSignups, m.OrganicSignups+m.ReferredSignups), count(m.AtStart), k})
	}
	return t
}

func referrersTable(top []referralhub.TopReferrer) analyticsTable {
	t := analyticsTable{Name: "referrers", Title: "Top referrers",
		Note:    "Referred signups in the period; verified and converted count those referees as of now.",
		Header:  []string{"Rank", "Referrer", "Code", "Referred signups", "Verified", "Converted", "Verified share", "Converted share"},
		Numeric: []bool{true, false, false, true, true, true, true, true}}
	for i, r := range top {
		name := r.Name
		if name == "" {
			name = "(deleted account)"
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), name, r.Code, count(r.Referrals), count(r.Verified), count(r.Converted),
			percent(r.Verified, r.Referrals), percent(r.Converted, r.Referrals)})
	}
	return t
}

func cohortsTable(cohorts []referralhub.Cohort) analyticsTable {
	t := analyticsTable{Name: "cohorts", Title: "Cohorts: referred and organic",
		Note: "By signup month. Retained: last seen 30 days or more after signing up, among members who signed up 30 days or more ago. " +
			"Purchase value: their purchase events, summed per currency.",
		Header:  []string{"Signup month", "Origin", "Members", "Retained", "Retention", "Purchasers", "Purchase rate", "Purchase value"},
		Numeric: []bool{false, false, true, true, true, true, true, true}}
	for _, c := range cohorts {
		origin := "organic"
		if c.Referred {
			origin = "referred"
		}
		var values []string
		for _, v := range c.Values {
			values = append(values, core.FormatMoney(v.Amount, v.Currency))
		}
		t.Rows = append(t.Rows, []string{c.Month, origin, count(c.Members), fmt.Sprintf("%d of %d", c.Retained, c.Eligible),
			percent(c.Retained, c.Eligible), count(c.Purchasers), percent(c.Purchasers, c.Members), strings.Join(values, " · ")})
	}
	return t
}

func dailyTable(days []referralhub.AnalyticsDay) analyticsTable {
	t := analyticsTable{Name: "daily", Title: "Day by day",
		Header:  []string{"Day", "Clicks", "Unique clicks", "Organic signups", "Referred signups", "Verified", "Converted"},
		Numeric: []bool{false, true, true, true, true, true, true}}
	for _, d := range days {
		t.Rows = append(t.Rows, []string{d.Day, count(d.Clicks), count(d.UniqueClicks), count(d.OrganicSignups),
			count(d.ReferredSignups), count(d.Verified), count(d.Converted)})
	}
	return t
}

func rewardsTable(rewards []referralhub.RewardTotal) analyticsTable {
	t := analyticsTable{Name: "rewards", Title: "Rewards issued",
		Note:   "Earned ledger entries credited in the period and not cancelled; coupons that take a percentage off carry no amount.",
		Header: []string{"Kind", "Currency", "Rewards", "Value"}, Numeric: []bool{false, false, true, true}}
	for _, r := range rewards {
		t.Rows = append(t.Rows, []string{r.Kind, strings.ToUpper(r.Currency), count(r.Rewards), rewardValue(r.Kind, r.Amount, r.Currency)})
	}
	return t
}

// rewardValue formats an amount of a reward kind.
func rewardValue(kind string, amount int64, currency string) string {
	switch kind {
	case referralhub.KindPoints:
		return count(amount) + " points"
	case referralhub.KindTrialDays:
		return count(amount) + " trial days"
	}
	return core.FormatMoney(amount, currency)
}

// channelNames are the share channels as the channels table names them.
var channelNames = map[string]string{"x": "X", "fb": "Facebook", "li": "LinkedIn", "wa": "WhatsApp", "em": "Email",
	"qr": "QR code", "copy": "Copied link", "invite": "Email invite", "native": "Phone's share sheet", "": "None (no ?s=)"}

func channelsTable(channels []referralhub.ChannelTotals) analyticsTable {
	t := analyticsTable{Name: "channels", Title: "By share channel",
		Note:    "Where shared links were clicked from (the link's ?s=): human clicks, referred signups and first purchases of the period, by the channel of the click that brought them.",
		Header:  []string{"Channel", "Clicks", "Signups", "Conversions", "Click to signup"},
		Numeric: []bool{false, true, true, true, true}}
	for _, c := range channels {
		t.Rows = append(t.Rows, []string{channelNames[c.Channel], count(c.Clicks), count(c.Signups), count(c.Conversions),
			percent(c.Signups, c.Clicks)})
	}
	return t
}
