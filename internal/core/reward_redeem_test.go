package core_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/stripepay/stripemock"
)

func stripeClient(t *testing.T, base string) *stripepay.Client {
	t.Helper()
	c, err := stripepay.New(stripepay.Config{SecretKey: "sk_test_123", APIBase: base})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// closedPort is an address where nothing listens: Stripe is down.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func couponRule() referralhub.Rule {
	return referralhub.Rule{Trigger: referralhub.EventSignup,
		Referee: &referralhub.RewardSpec{Kind: referralhub.KindCoupon, PercentOff: 20}}
}

func TestRedeemCouponShowsThePromotionCodeOnce(t *testing.T) {
	base := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, base)})
		ctx := context.Background()
		f.setRules(t, 0, couponRule(), referralhub.Rule{Trigger: referralhub.EventSignup,
			Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 5}})
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		coupon := f.rewards(t, bob).Rewards[0]
		if _, err := f.svc.Redeem(ctx, alice.p, coupon.ID); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("alice redeemed bob's coupon: %v", err)
		}
		if _, err := f.svc.Redeem(ctx, alice.p, f.rewards(t, alice).Rewards[0].ID); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("redeeming points one by one: %v", err)
		}
		if _, err := f.svc.Redeem(ctx, bob.p, coupon.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Redeem(ctx, bob.p, coupon.ID); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("double redeem: %v", err)
		}
		f.runJobs(t)
		got := f.rewards(t, bob).Rewards[0]
		if got.Status != referralhub.StatusRedeemed || got.PromoCode == "" || got.ExternalID == "" || got.RedeemedAt.IsZero() {
			t.Fatalf("after fulfilment: %+v", got)
		}
		if _, err := f.svc.Redeem(ctx, bob.p, coupon.ID); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("redeem after fulfilment: %v", err)
		}
		jobs, _ := db.Read().Jobs(ctx, "", 100)
		fulfil := 0
		for _, j := range jobs {
			if j.Kind == core.JobFulfil {
				fulfil++
			}
		}
		if fulfil != 1 {
			t.Fatalf("%d fulfilment jobs, want 1", fulfil)
		}
	})
}

func TestStripeOutageLeavesTheRewardApprovedAndRetrying(t *testing.T) {
	base := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		down := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, closedPort(t))})
		ctx := context.Background()
		down.setRules(t, 0, referralhub.Rule{Trigger: referralhub.EventSignup, Referee: credit(1000)})
		alice := down.join(t, "alice", nil)
		bob := down.join(t, "bob", &alice)
		if err := down.svc.SetBilling(ctx, bob.p.ID, referralhub.PlanPaid, "cus_bob"); err != nil {
			t.Fatal(err)
		}
		bob.p.StripeCustomerID = "cus_bob"
		r := down.rewards(t, bob).Rewards[0]
		if _, err := down.svc.Redeem(ctx, bob.p, r.ID); err != nil {
			t.Fatal(err)
		}
		down.runJobs(t)
		if got := down.rewards(t, bob).Rewards[0]; got.Status != referralhub.StatusApproved || got.RedeemAskedAt.IsZero() {
			t.Fatalf("during the outage: %+v", got)
		}
		queued, _ := db.Read().Jobs(ctx, referralhub.JobQueued, 10)
		var retrying bool
		for _, j := range queued {
			retrying = retrying || j.Kind == core.JobFulfil && j.Attempts == 1 && j.LastError != ""
		}
		if !retrying {
			t.Fatalf("the fulfilment job is not waiting to retry: %+v", queued)
		}
		// Stripe is back: the same queue, an instance that reaches it, later.
		up := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, base)})
		up.clock.Advance(time.Hour)
		up.runJobs(t)
		got := up.rewards(t, bob).Rewards[0]
		if got.Status != referralhub.StatusFulfilled || got.ExternalID == "" || got.FulfilledAt.IsZero() {
			t.Fatalf("after Stripe came back: %+v", got)
		}
		if b := balance(up.rewards(t, bob), referralhub.KindCredit, "usd"); b.Available != 0 {
			t.Fatalf("paid-out credit still counted as available: %+v", b)
		}
	})
}

func TestCreditNeedsABillingAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db) // no Stripe at all
		f.setRules(t, 0, referralhub.Rule{Trigger: referralhub.EventSignup, Referee: credit(1000)}, couponRule())
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		for _, r := range f.rewards(t, bob).Rewards {
			if _, err := f.svc.Redeem(context.Background(), bob.p, r.ID); referralhub.ErrorCode(err) != referralhub.EINVALID {
				t.Fatalf("redeeming %s without Stripe: %v", r.Kind, err)
			}
		}
	})
}

func TestBuyCouponWithPointsOncePerForm(t *testing.T) {
	base := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, base)})
		ctx := context.Background()
		prog, _ := f.svc.Program(ctx)
		prog.PointsPerCoupon, prog.CouponValue, prog.CouponCurrency = 10, 500, "usd"
		if _, err := f.svc.SaveProgram(ctx, f.admin(t), prog, "points buy coupons"); err != nil {
			t.Fatal(err)
		}
		alice := f.join(t, "alice", nil)
		f.join(t, "bob", &alice)
		f.join(t, "carol", &alice)
		if _, err := f.svc.BuyCoupon(ctx, alice.p, "form-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.BuyCoupon(ctx, alice.p, "form-1"); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("double submit: %v", err)
		}
		f.runJobs(t)
		page := f.rewards(t, alice)
		if page.Points != 10 {
			t.Fatalf("points after one coupon = %d", page.Points)
		}
		var code string
		for _, r := range page.Rewards {
			if r.Kind == referralhub.KindCoupon {
				code = r.PromoCode
			}
		}
		if code == "" {
			t.Fatalf("no promotion code: %+v", page.Rewards)
		}
		if _, err := f.svc.BuyCoupon(ctx, alice.p, "form-2"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.BuyCoupon(ctx, alice.p, "form-3"); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("buying with too few points: %v", err)
		}
	})
}

// TestRefundAfterRedeemBeforePayout reverses a credit that was asked for
// but not yet paid: the balance comes back to zero, not below, nothing is
// flagged, and the fulfilment job then pays nothing. A payout that lands
// after the reversal is kept and flagged.
func TestRefundAfterRedeemBeforePayout(t *testing.T) {
	base := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, base)})
		ctx := context.Background()
		f.setRules(t, 0, referralhub.Rule{Trigger: referralhub.EventPurchase, Referee: credit(1000)})
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		if err := f.svc.SetBilling(ctx, bob.p.ID, referralhub.PlanPaid, "cus_bob"); err != nil {
			t.Fatal(err)
		}
		bob.p.StripeCustomerID = "cus_bob"
		f.purchase(t, bob, "order-1", 5000)
		r := f.rewards(t, bob).Rewards[0]
		if _, err := f.svc.Redeem(ctx, bob.p, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.RecordEvent(ctx, core.EventInput{ParticipantID: bob.p.ID, Name: referralhub.EventRefund,
			Key: "refund-1", Amount: 5000, Currency: "usd", PurchaseKey: "order-1"}); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t)
		page := f.rewards(t, bob)
		if b := balance(page, referralhub.KindCredit, "usd"); b.Available != 0 {
			t.Fatalf("credit after refunding an unpaid redeem: %+v", b)
		}
		for _, e := range page.Rewards {
			if e.NeedsReview || e.ExternalID != "" {
				t.Fatalf("nothing was paid, yet %+v", e)
			}
		}
		// A payout that Stripe confirmed after the reversal is kept.
		err := db.InTx(ctx, func(q *storage.Queries) error {
			ok, err := q.RecordLatePayout(ctx, r.ID, "", "cbtxn_late")
			if !ok && err == nil {
				t.Error("the late payout was not recorded")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if b := balance(f.rewards(t, bob), referralhub.KindCredit, "usd"); b.Available != -1000 {
			t.Fatalf("after a late payout bob owes the credit: %+v", b)
		}
	})
}
