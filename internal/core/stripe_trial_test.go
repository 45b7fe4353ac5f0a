package core_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/stripepay/stripemock"
	"github.com/referralhub/referralhub/internal/stripepay/stripetest"
)

// freeReferrersGetTrialDays gives a referrer on the free plan (their own
// plan) days of trial for each friend's purchase.
func freeReferrersGetTrialDays(days int64) referralhub.Rule {
	return referralhub.Rule{Trigger: referralhub.EventPurchase, Segment: referralhub.PlanFree,
		SegmentOf: referralhub.SegmentBeneficiary, Referrer: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: days}}
}

// TestTrialDaysExtendAStripeTrial extends a trialing referrer's trial by
// each trial_days reward through Stripe, adding up, and fulfils them; a
// reward earned before the trial waits, and extends it when it starts.
func TestTrialDaysExtendAStripeTrial(t *testing.T) {
	mock := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		api := newStripeAPI(t, mock)
		f := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, api.URL)})
		f.setRules(t, 0, freeReferrersGetTrialDays(7))
		alice := f.join(t, "alice", nil)
		if err := f.svc.SetBilling(ctx, alice.p.ID, referralhub.PlanFree, "cus_alice"); err != nil {
			t.Fatal(err)
		}
		end := f.clock.Now().Add(14 * 24 * time.Hour).Truncate(time.Second)
		f.sendStripe(t, "evt_sub", stripepay.SubscriptionCreated, stripetest.Subscription("sub_alice", "cus_alice", "trialing", end))
		for i, friend := range []string{"bob", "carol"} {
			m := f.join(t, friend, &alice)
			f.sendStripe(t, "evt_"+friend, stripepay.CheckoutCompleted, checkoutFor("cs_"+friend, "cus_"+friend, friend+"@example.com", 900))
			want := end.Add(time.Duration(7*(i+1)) * 24 * time.Hour)
			calls := api.callsTo("POST", "/v1/subscriptions/sub_alice")
			if len(calls) != i+1 || calls[i].Form.Get("trial_end") != strconv.FormatInt(want.Unix(), 10) ||
				calls[i].Form.Get("proration_behavior") != "none" {
				t.Fatalf("after %s's purchase: calls %+v, want trial_end %d", m.user.Username, calls, want.Unix())
			}
		}
		for _, r := range f.rewards(t, alice).Rewards {
			if r.Kind != referralhub.KindTrialDays || r.Status != referralhub.StatusFulfilled || r.ExternalID != "sub_alice" {
				t.Errorf("alice's reward = %+v", r)
			}
		}
		// dave earns trial days before he has a trial: they wait as today.
		dave := f.join(t, "dave", nil)
		f.join(t, "erin", &dave)
		f.sendStripe(t, "evt_erin", stripepay.CheckoutCompleted, checkoutFor("cs_erin", "cus_erin", "erin@example.com", 900))
		waiting := f.rewards(t, dave).Rewards
		if len(waiting) != 1 || waiting[0].Status != referralhub.StatusApproved || !waiting[0].RedeemAskedAt.IsZero() {
			t.Fatalf("dave's reward before his trial = %+v", waiting)
		}
		if err := f.svc.SetBilling(ctx, dave.p.ID, referralhub.PlanFree, "cus_dave"); err != nil {
			t.Fatal(err)
		}
		e := f.sendStripe(t, "evt_dsub", stripepay.SubscriptionCreated, stripetest.Subscription("sub_dave", "cus_dave", "trialing", end))
		wantOutcome(t, e, referralhub.StripeRecorded, "extended by 1")
		if r := f.rewards(t, dave).Rewards[0]; r.Status != referralhub.StatusFulfilled || r.ExternalID != "sub_dave" {
			t.Fatalf("dave's reward after his trial began = %+v", r)
		}
		calls := api.callsTo("POST", "/v1/subscriptions/sub_dave")
		if len(calls) != 1 || calls[0].Form.Get("trial_end") != strconv.FormatInt(end.Add(7*24*time.Hour).Unix(), 10) {
			t.Fatalf("dave's trial calls = %+v", calls)
		}
	})
}

// TestSegmentByBeneficiaryLooksAtEachSidesOwnPlan gives trial days to a
// free referrer and none to a paying one whatever their friends' plans,
// while a rule segmented as before still looks at the friend's plan.
func TestSegmentByBeneficiaryLooksAtEachSidesOwnPlan(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		friendsPlan := referralhub.Rule{Trigger: referralhub.EventPurchase, Segment: referralhub.PlanFree,
			Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 5}}
		f.setRules(t, 0, freeReferrersGetTrialDays(7), friendsPlan)
		free, paying := f.join(t, "freda", nil), f.join(t, "paul", nil)
		if err := f.svc.SetBilling(ctx, paying.p.ID, referralhub.PlanPaid, ""); err != nil {
			t.Fatal(err)
		}
		for _, referrer := range []member{free, paying} {
			friend := f.join(t, "friendof"+referrer.user.Username, &referrer)
			f.purchase(t, friend, "order-1", 900)
		}
		kinds := func(m member) map[string]int64 {
			out := map[string]int64{}
			for _, r := range f.rewards(t, m).Rewards {
				out[r.Kind] += r.Amount
			}
			return out
		}
		if k := kinds(free); k[referralhub.KindTrialDays] != 7 || k[referralhub.KindPoints] != 5 {
			t.Errorf("the free referrer got %v", k)
		}
		if k := kinds(paying); k[referralhub.KindTrialDays] != 0 || k[referralhub.KindPoints] != 5 {
			t.Errorf("the paying referrer got %v: trial days go to free referrers only, points follow the friend's plan", k)
		}
	})
}
