package web

import (
	"reflect"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

func TestReferralRowsStateAndEarned(t *testing.T) {
	day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	pts := func(n int64, status string) referralhub.Reward {
		return referralhub.Reward{Entry: referralhub.EntryReward, Kind: referralhub.KindPoints, Amount: n, Status: status}
	}
	credit := referralhub.Reward{Entry: referralhub.EntryReward, Kind: referralhub.KindCredit, Amount: 500, Currency: "usd", Status: referralhub.StatusReversed}
	clawback := referralhub.Reward{Entry: referralhub.EntryClawback, Kind: referralhub.KindCredit, Amount: -500, Currency: "usd", Status: referralhub.StatusApproved}
	coupon := referralhub.Reward{Entry: referralhub.EntryReward, Kind: referralhub.KindCoupon, PercentOff: 20, Status: referralhub.StatusApproved}
	d := core.Dashboard{Referrals: []referralhub.ReferredUser{
		{Username: "new", JoinedAt: day, Review: referralhub.ReviewClear},
		{Username: "held", JoinedAt: day, Review: referralhub.ReviewHeld, Earned: []referralhub.Reward{pts(10, referralhub.StatusPending)}},
		{Username: "counted", JoinedAt: day, Review: referralhub.ReviewClear, Qualified: true},
		{Username: "paid", JoinedAt: day, Review: referralhub.ReviewApproved, Qualified: true,
			Earned: []referralhub.Reward{pts(10, referralhub.StatusApproved), pts(5, referralhub.StatusApproved), coupon}},
		{Username: "refused", JoinedAt: day, Review: referralhub.ReviewRejected, Earned: []referralhub.Reward{pts(10, referralhub.StatusCancelled)}},
		{Username: "refunded", JoinedAt: day, Review: referralhub.ReviewClear, Qualified: true, Earned: []referralhub.Reward{credit, clawback}},
	}}
	want := []referralRow{
		{Username: "new", Joined: "1 Mar 2026", State: "pending", Status: "Joined"},
		{Username: "held", Joined: "1 Mar 2026", State: "review", Status: "Pending review", Earned: "10 points", OnHold: true},
		{Username: "counted", Joined: "1 Mar 2026", State: "qualified", Status: "Qualified"},
		{Username: "paid", Joined: "1 Mar 2026", State: "rewarded", Status: "Rewarded", Earned: "15 points, 20% off coupon"},
		{Username: "refused", Joined: "1 Mar 2026", State: "rejected", Status: "Rejected"},
		{Username: "refunded", Joined: "1 Mar 2026", State: "qualified", Status: "Qualified"},
	}
	if got := referralRows(d); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}
