package web

import (
	"testing"

	"github.com/referralhub/referralhub"
)

// TestFriendOffer words what the friend gets from the first rule that
// rewards them, from the friend's side.
func TestFriendOffer(t *testing.T) {
	usd10 := &referralhub.RewardSpec{Kind: referralhub.KindCredit, Amount: 1000, Currency: "usd"}
	points := &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 50}
	off := &referralhub.RewardSpec{Kind: referralhub.KindCoupon, PercentOff: 20}
	cases := []struct {
		rules []referralhub.Rule
		want  string
	}{
		{[]referralhub.Rule{{Trigger: referralhub.EventSignup, Referrer: usd10, Referee: usd10}}, "Sign up and you both get $10."},
		{[]referralhub.Rule{{Trigger: referralhub.EventSignup, Referrer: points}, {Trigger: referralhub.EventPurchase, FirstOnly: true,
			MinAmount: 5000, MinCurrency: "usd", Referrer: points, Referee: off}},
			"Sign up: you get 20% off on your first purchase of $50.00 or more, and Alice gets 50 points."},
		{[]referralhub.Rule{{Trigger: referralhub.EventEmailVerified, Referee: points, Segment: referralhub.PlanFree}},
			"Sign up: you get 50 points when you verify your email address on the free plan."},
		{[]referralhub.Rule{{Trigger: referralhub.EventSignup, Referrer: points}}, "Sign up to join Alice."},
		{nil, "Sign up to join Alice."},
	}
	for _, c := range cases {
		if got := friendOffer(referralhub.Program{Rules: c.rules}, "Alice"); got != c.want {
			t.Errorf("got %q\nwant %q", got, c.want)
		}
	}
}
