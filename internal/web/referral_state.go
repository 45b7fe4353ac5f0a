package web

import (
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// referralRow is one referral as the dashboard lists it. Everything is
// worded here, once per rendering of the page, rather than by template
// function calls per row.
type referralRow struct {
	Username string
	Joined   string
	State    string // a class suffix: pending, review, qualified, rewarded, rejected
	Status   string // the state in words
	Earned   string // "10 points, $5.00 credit", "" for nothing
	OnHold   bool   // some of Earned is pending its hold
}

func referralRows(d core.Dashboard) []referralRow {
	rows := make([]referralRow, len(d.Referrals))
	for i, r := range d.Referrals {
		earned, onHold := earnedOf(r.Earned)
		state := referralState(r, earned != "")
		rows[i] = referralRow{Username: r.Username, Joined: formatDate(r.JoinedAt), State: state,
			Status: referralStatus[state], Earned: earned, OnHold: onHold}
	}
	return rows
}

// referralStatus words each state of a referral for its referrer.
var referralStatus = map[string]string{
	"pending":   "Joined",
	"review":    "Pending review",
	"qualified": "Qualified",
	"rewarded":  "Rewarded",
	"rejected":  "Rejected",
}

// referralState is where a referral stands: held for an admin, refused
// (blocked or rejected), rewarded (it earned something that stands),
// qualified (it counts, nothing earned yet) or just joined.
func referralState(r referralhub.ReferredUser, earned bool) string {
	switch {
	case r.Review == referralhub.ReviewHeld:
		return "review"
	case r.Review == referralhub.ReviewBlocked || r.Review == referralhub.ReviewRejected:
		return "rejected"
	case earned:
		return "rewarded"
	case r.Qualified:
		return "qualified"
	}
	return "pending"
}

// earnedOf sums what a referral earned the referrer by kind (and
// currency): entries cancelled before they were ever available count
// nothing, and clawbacks take back what was reversed. onHold is true when
// some of it still waits for its hold to end.
func earnedOf(entries []referralhub.Reward) (earned string, onHold bool) {
	type sumKey struct{ kind, currency string }
	var (
		order   []sumKey
		sums    = map[sumKey]int64{}
		coupons []string
	)
	for _, e := range entries {
		if e.Status == referralhub.StatusCancelled {
			continue
		}
		onHold = onHold || e.Status == referralhub.StatusPending
		if e.Kind == referralhub.KindCoupon {
			if e.Entry == referralhub.EntryReward && e.Status != referralhub.StatusReversed {
				coupons = append(coupons, core.DescribeReward(e))
			}
			continue
		}
		k := sumKey{e.Kind, e.Currency}
		if _, ok := sums[k]; !ok {
			order = append(order, k)
		}
		sums[k] += e.Amount
	}
	parts := make([]string, 0, len(order)+len(coupons))
	for _, k := range order {
		if n := sums[k]; n > 0 {
			parts = append(parts, core.DescribeReward(referralhub.Reward{Kind: k.kind, Currency: k.currency, Amount: n}))
		}
	}
	return strings.Join(append(parts, coupons...), ", "), onHold && len(parts)+len(coupons) > 0
}
