package web

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

func TestEarnSentences(t *testing.T) {
	points := func(n int64) *referralhub.RewardSpec {
		return &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: n}
	}
	usd := func(n int64) *referralhub.RewardSpec {
		return &referralhub.RewardSpec{Kind: referralhub.KindCredit, Amount: n, Currency: "usd"}
	}
	coupon := func(pct int64) *referralhub.RewardSpec {
		return &referralhub.RewardSpec{Kind: referralhub.KindCoupon, PercentOff: pct}
	}
	twelveHours, none := 12*time.Hour, time.Duration(0)
	signup := referralhub.EventSignup
	tests := []struct {
		name string
		rule referralhub.Rule
		hold time.Duration // the program's
		want string
	}{
		{"default", core.DefaultProgram(core.DefaultSettings()).Rules[0], 0,
			"Invite a friend: you get 10 points when they sign up."},
		{"give-get", referralhub.Rule{Trigger: referralhub.EventPurchase, FirstOnly: true, Referrer: usd(1000), Referee: usd(1000)}, 0,
			"Give $10, get $10: you and your friend each get $10.00 credit on their first purchase."},
		{"dropbox", referralhub.Rule{Trigger: referralhub.EventEmailVerified, CapCount: 32, CapPeriod: referralhub.PeriodLife,
			Referrer: points(500), Referee: points(500)}, 0,
			"Give 500 points, get 500 points: you and your friend each get 500 points when they verify their email address, up to 32 times."},
		{"program hold", referralhub.Rule{Trigger: signup, Referrer: points(10)}, 14 * 24 * time.Hour,
			"Invite a friend: you get 10 points when they sign up, after a 14-day hold."},
		{"rule without hold", referralhub.Rule{Trigger: signup, Referrer: points(10), Hold: &none}, 14 * 24 * time.Hour,
			"Invite a friend: you get 10 points when they sign up."},
		{"segment", referralhub.Rule{Trigger: signup, Segment: referralhub.PlanFree,
			Referee: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: 14}}, 0,
			"Friends on the free plan get 14 trial days when they sign up."},
		{"own plan", referralhub.Rule{Trigger: referralhub.EventEmailVerified, Segment: referralhub.PlanFree, SegmentOf: referralhub.SegmentBeneficiary,
			CapCount: 32, CapPeriod: referralhub.PeriodLife, Referrer: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: 7}}, 0,
			"Invite a friend: you get 7 trial days when they verify their email address, while you are on the free plan, up to 32 times."},
		{"own plans, both sides", referralhub.Rule{Trigger: signup, Segment: referralhub.PlanPaid, SegmentOf: referralhub.SegmentBeneficiary,
			Referrer: points(10), Referee: points(10)}, 0,
			"Give 10 points, get 10 points: you and your friend each get 10 points when they sign up, each of you while on the paid plan."},
		{"own plan, friend's side", referralhub.Rule{Trigger: signup, Segment: referralhub.PlanFree, SegmentOf: referralhub.SegmentBeneficiary,
			Referee: points(3)}, 0,
			"Friends on the free plan get 3 points when they sign up."},
		{"friend only", referralhub.Rule{Trigger: signup, Referee: coupon(20)}, 0,
			"Your friends get a 20% off coupon when they sign up."},
		{"an", referralhub.Rule{Trigger: signup, Segment: referralhub.PlanPaid, Referrer: coupon(8)}, 0,
			"Invite a friend on the paid plan: you get an 8% off coupon when they sign up."},
		{"different sides", referralhub.Rule{Trigger: signup, Referrer: points(10), Referee: points(5)}, 0,
			"Give 5 points, get 10 points: you get 10 points and your friend gets 5 points when they sign up."},
		{"value cap and own hold", referralhub.Rule{Trigger: referralhub.EventPurchase, MinAmount: 5000, MinCurrency: "usd",
			Referrer: usd(500), CapValue: 10000, CapPeriod: referralhub.PeriodMonth, Hold: &twelveHours}, 0,
			"Invite a friend: you get $5.00 credit on every purchase of $50.00 or more, up to $100.00 credit a month, after a 12-hour hold."},
		{"custom event, once a day", referralhub.Rule{Trigger: "trial_started", Referrer: points(10), CapCount: 1, CapPeriod: referralhub.PeriodDay}, 0,
			"Invite a friend: you get 10 points when they complete “trial_started”, once a day."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := earnSentences(referralhub.Program{Hold: tt.hold, Rules: []referralhub.Rule{tt.rule}})
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
	if got := earnSentences(referralhub.Program{}); len(got) != 0 {
		t.Errorf("a program without rules: %q", got)
	}
}

func TestRewardRows(t *testing.T) {
	day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	rows := rewardRows([]referralhub.Reward{
		{ID: 1, Kind: referralhub.KindCredit, Amount: 1000, Currency: "usd", Status: referralhub.StatusPending,
			CreditedAt: day, HoldUntil: day.AddDate(0, 0, 14)},
		{ID: 2, Kind: referralhub.KindPoints, Amount: -10, Entry: referralhub.EntryRedemption, Status: referralhub.StatusApproved, CreditedAt: day},
		{ID: 3, Kind: referralhub.KindCoupon, PercentOff: 20, Status: referralhub.StatusApproved, CreditedAt: day, ApprovedAt: day},
		{ID: 4, Kind: referralhub.KindCoupon, PercentOff: 20, Status: referralhub.StatusApproved, CreditedAt: day, RedeemAskedAt: day},
		{ID: 5, Kind: referralhub.KindCoupon, PercentOff: 20, Status: referralhub.StatusRedeemed, CreditedAt: day, RedeemedAt: day, PromoCode: "FALL20"},
		{ID: 6, Kind: referralhub.KindCredit, Amount: -1000, Currency: "usd", Entry: referralhub.EntryClawback, Status: referralhub.StatusApproved, CreditedAt: day},
	})
	want := []rewardRow{
		{ID: 1, What: "$10.00 credit", Status: "On hold", State: "pending", Dates: []string{"Credited 1 Mar 2026", "Available from 15 Mar 2026"}},
		{ID: 2, What: "−10 points", Status: "Spent", State: "approved", Dates: []string{"1 Mar 2026"}},
		{ID: 3, What: "20% off coupon", Status: "Available", State: "approved", Dates: []string{"Credited 1 Mar 2026"}, CanRedeem: true},
		{ID: 4, What: "20% off coupon", Status: "Available", State: "approved", Dates: []string{"Credited 1 Mar 2026"}, Preparing: "Preparing your code…"},
		{ID: 5, What: "20% off coupon", Status: "Redeemed", State: "redeemed", Dates: []string{"Credited 1 Mar 2026", "Redeemed 1 Mar 2026"}, PromoCode: "FALL20"},
		{ID: 6, What: "−$10.00 credit", Status: "Taken back", State: "approved", Dates: []string{"1 Mar 2026"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got\n%+v\nwant\n%+v", rows, want)
	}
}

func TestBalanceCards(t *testing.T) {
	got := balanceCards(core.RewardsPage{Points: 30, Balances: []referralhub.Balance{
		{Kind: referralhub.KindCoupon, Available: 0},
		{Kind: referralhub.KindCredit, Currency: "usd", Available: 1500, Pending: 1000},
		{Kind: referralhub.KindPoints, Available: 30, Pending: 5},
		{Kind: referralhub.KindTrialDays, Available: 14},
	}})
	want := []balanceCard{
		{ID: "balance-points", Label: "Points", Value: "30", Pending: "5 on hold",
			Note: "A score of your referrals: points cannot be swapped for money or coupons"},
		{ID: "balance-credit-usd", Label: "Credit", Value: "$15.00", Pending: "$10.00 on hold"},
		{ID: "balance-trial-days", Label: "Trial days", Value: "14"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestAccountPagesRender renders each state of the account pages, which
// the handler tests reach only in part.
func TestAccountPagesRender(t *testing.T) {
	s := &Server{}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		t.Fatal(err)
	}
	if s.pages, err = parsePages(s.assets); err != nil {
		t.Fatal(err)
	}
	user := &referralhub.User{Username: "alice", Email: "alice@example.com"}
	cases := []struct {
		page string
		data pageData
		want string
	}{
		{"rewards", pageData{User: user, Data: rewardsView{Coupon: couponOffer{CanBuy: true, Points: 10, Value: "$5.00", Key: "K"}}},
			`<input type="hidden" name="key" value="K">`},
		{"rewards", pageData{User: user, Data: rewardsView{Rows: []rewardRow{{ID: 7, PromoCode: "FALL20"}}}}, `data-copy="promo-7"`},
		{"settings", pageData{User: user, Data: settingsView{Email: "a@b.c", Verified: false}, Banner: "Saved."},
			`<p class="banner" role="status" id="banner">Saved.</p>`},
		{"verify_email", pageData{Data: verifyView{Verified: true}}, "Your email address is confirmed"},
		{"verify_email", pageData{User: user, Data: verifyView{CanResend: true, SignedIn: true}}, `action="/verify-email/resend"`},
		{"verify_email", pageData{Data: verifyView{}}, `href="/login"`},
		{"password_reset", pageData{Data: resetView{Sent: true}}, "If an account uses that address"},
		{"password_reset_confirm", pageData{Data: resetConfirmView{Expired: true}}, `href="/password-reset"`},
		{"unsubscribe", pageData{Data: unsubscribeView{What: "notification emails"}}, "Stop sending me notification emails?"},
		{"unsubscribe", pageData{Data: unsubscribeView{Done: true}}, "You won't get these emails any more"},
		{"dashboard", pageData{User: user, Data: dashboardView{}}, "Please verify your email address"},
	}
	for _, c := range cases {
		var b strings.Builder
		if err := s.pages.byName[c.page].ExecuteTemplate(&b, "page", c.data); err != nil {
			t.Errorf("%s: %v", c.page, err)
			continue
		}
		if !strings.Contains(b.String(), c.want) {
			t.Errorf("%s lacks %s", c.page, c.want)
		}
	}
}
