package core_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/stripepay/stripemock"
	"github.com/referralhub/referralhub/internal/stripepay/stripetest"
	"github.com/referralhub/referralhub/internal/worker"
)

// purchaseRule credits the referrer $10 for each purchase of a friend.
func purchaseRule() referralhub.Rule {
	return referralhub.Rule{Trigger: referralhub.EventPurchase, Referrer: credit(1000)}
}

// checkoutFor is a paid Checkout Session of a customer with an email.
func checkoutFor(id, customer, email string, amount int64) stripetest.Object {
	c := stripetest.Checkout(id, customer, amount)
	c["customer_details"] = stripetest.Object{"email": email, "name": nil}
	return c
}

// TestStripeCheckoutIsAPurchaseOnce records a paid checkout as the
// friend's purchase, found by email; Stripe's retry of the event, and the
// invoice of the same payment, change nothing.
func TestStripeCheckoutIsAPurchaseOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 0, purchaseRule())
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		obj := checkoutFor("cs_1", "cus_bob", "Bob@Example.com", 4900)
		obj["mode"], obj["invoice"], obj["payment_intent"] = "subscription", "in_1", nil
		e := f.sendStripe(t, "evt_1", stripepay.CheckoutCompleted, obj)
		wantOutcome(t, e, referralhub.StripeRecorded, "$49.00", "email")
		if e.ParticipantID != bob.p.ID || e.EventID == 0 {
			t.Fatalf("event = %+v", e)
		}
		purchases := named(f.eventsOf(t, bob.p.ID), referralhub.EventPurchase)
		if len(purchases) != 1 || purchases[0].Amount != 4900 || purchases[0].Currency != "usd" || purchases[0].Key != "stripe:in_1" ||
			purchases[0].ReferralID == 0 || purchases[0].ID != e.EventID {
			t.Fatalf("purchases = %+v", purchases)
		}
		// Stripe retries the same event: stored once, applied once.
		if again := f.sendStripe(t, "evt_1", stripepay.CheckoutCompleted, obj); again.Outcome != e.Outcome || again.Retries != 0 {
			t.Fatalf("retried = %+v", again)
		}
		// The first invoice of the subscription is the same payment.
		inv := f.sendStripe(t, "evt_2", stripepay.InvoicePaid, stripetest.Invoice("in_1", "cus_bob", "sub_1", 4900, "pi_1"))
		wantOutcome(t, inv, referralhub.StripeIgnored, "stripe:in_1")
		// A later invoice maps through the customer's stored link.
		next := f.sendStripe(t, "evt_3", stripepay.InvoicePaid, stripetest.Invoice("in_2", "cus_bob", "sub_1", 4900, "pi_2"))
		wantOutcome(t, next, referralhub.StripeRecorded, "link")
		if n := len(named(f.eventsOf(t, bob.p.ID), referralhub.EventPurchase)); n != 2 {
			t.Fatalf("%d purchases, want 2", n)
		}
		// The rule rewards once per referral, whatever the purchases.
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 1000 {
			t.Fatalf("alice's credit = %+v", b)
		}
		if p, _ := db.Read().Participant(context.Background(), bob.p.ID); p.StripeCustomerID != "cus_bob" {
			t.Fatalf("bob's customer = %q", p.StripeCustomerID)
		}
	})
}

// TestStripeMatchesByMetadataThenReference maps customers by their
// metadata (participant id, then external id) and a Checkout Session's
// client_reference_id, fetching the customer from Stripe.
func TestStripeMatchesByMetadataThenReference(t *testing.T) {
	mock := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		api := newStripeAPI(t, mock)
		f := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, api.URL)})
		ann := f.apiParticipant(t, core.ParticipantInput{ExternalID: "user_ann"})
		ben := f.apiParticipant(t, core.ParticipantInput{ExternalID: "user_ben"})
		cat := f.apiParticipant(t, core.ParticipantInput{ExternalID: "user_cat"})
		api.customer("cus_ann", "", map[string]string{"referralhub_participant_id": itoa(ann), "referralhub_external_id": "user_ben"})
		api.customer("cus_ben", "", map[string]string{"referralhub_external_id": "user_ben"})
		api.customer("cus_cat", "", map[string]string{"referralhub_participant_id": "99999"})
		for id, want := range map[string]int64{"cus_ann": ann, "cus_ben": ben} {
			e := f.sendStripe(t, "evt_"+id, stripepay.CheckoutCompleted, checkoutFor("cs_"+id, id, "", 1000))
			wantOutcome(t, e, referralhub.StripeRecorded, "metadata")
			if e.ParticipantID != want {
				t.Errorf("%s matched %d, want %d", id, e.ParticipantID, want)
			}
		}
		obj := checkoutFor("cs_cat", "cus_cat", "", 1000)
		obj["client_reference_id"] = "user_cat"
		e := f.sendStripe(t, "evt_cat", stripepay.CheckoutCompleted, obj)
		wantOutcome(t, e, referralhub.StripeRecorded, "client_reference_id")
		if e.ParticipantID != cat {
			t.Errorf("cat matched %d", e.ParticipantID)
		}
		if n := len(api.callsTo("GET", "/v1/customers/cus_ann")); n != 1 {
			t.Errorf("cus_ann fetched %d times", n)
		}
		// Linked now: its next event needs no fetch.
		f.sendStripe(t, "evt_ann2", stripepay.InvoicePaid, stripetest.Invoice("in_9", "cus_ann", "", 500, "pi_9"))
		if n := len(api.callsTo("GET", "/v1/customers/cus_ann")); n != 1 {
			t.Errorf("cus_ann fetched %d times after it was linked", n)
		}
	})
}

// TestStripeUnmatchedCustomerIsKeptNotAnError keeps an event whose
// customer matches nobody, and its refund, as unmatched.
func TestStripeUnmatchedCustomerIsKeptNotAnError(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.join(t, "alice", nil)
		f.apiParticipant(t, core.ParticipantInput{ExternalID: "twin1", Email: ptr("twin@example.com")})
		f.apiParticipant(t, core.ParticipantInput{ExternalID: "twin2", Email: ptr("twin@example.com")})
		e := f.sendStripe(t, "evt_1", stripepay.CheckoutCompleted, checkoutFor("cs_1", "cus_x", "stranger@example.com", 2500))
		wantOutcome(t, e, referralhub.StripeUnmatched, "cus_x", "stranger@example.com")
		twins := f.sendStripe(t, "evt_2", stripepay.CheckoutCompleted, checkoutFor("cs_2", "cus_t", "twin@example.com", 2500))
		wantOutcome(t, twins, referralhub.StripeUnmatched)
		refund := f.sendStripe(t, "evt_3", stripepay.ChargeRefunded, stripetest.Charge("ch_1", "cus_x", "pi_cs_1", 2500, 2500))
		wantOutcome(t, refund, referralhub.StripeUnmatched, "matched nobody")
		if jobs, _ := db.Read().Jobs(context.Background(), referralhub.JobFailed, 10); len(jobs) != 0 {
			t.Fatalf("failed jobs: %+v", jobs)
		}
	})
}

// TestStripeRefundsFullPartialAndDisputed reverses a purchase's rewards on
// a refund, partial ones included (as every refund does), records each
// partial refund's own amount once, and treats a dispute as a refund.
func TestStripeRefundsFullPartialAndDisputed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 0, purchaseRule())
		alice := f.join(t, "alice", nil)
		bob, carol := f.join(t, "bob", &alice), f.join(t, "carol", &alice)
		f.sendStripe(t, "evt_p1", stripepay.CheckoutCompleted, checkoutFor("cs_1", "cus_bob", "bob@example.com", 5000))
		f.sendStripe(t, "evt_p2", stripepay.CheckoutCompleted, checkoutFor("cs_2", "cus_carol", "carol@example.com", 3000))
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 2000 {
			t.Fatalf("before refunds: %+v", b)
		}
		partial := f.sendStripe(t, "evt_r1", stripepay.ChargeRefunded, stripetest.Charge("ch_1", "cus_bob", "pi_cs_1", 5000, 1000))
		wantOutcome(t, partial, referralhub.StripeRecorded, "Partial refund", "$10.00", "reversed")
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 1000 {
			t.Fatalf("after a partial refund, alice holds %+v: the purchase's reward is reversed", b)
		}
		second := f.sendStripe(t, "evt_r2", stripepay.ChargeRefunded, stripetest.Charge("ch_1", "cus_bob", "pi_cs_1", 5000, 5000))
		wantOutcome(t, second, referralhub.StripeRecorded, "Refund of $40.00")
		// A late copy of the first refund refunds nothing twice.
		late := f.sendStripe(t, "evt_r1b", stripepay.ChargeRefunded, stripetest.Charge("ch_1", "cus_bob", "pi_cs_1", 5000, 1000))
		wantOutcome(t, late, referralhub.StripeIgnored, "already")
		var amounts []int64
		for _, ev := range named(f.eventsOf(t, bob.p.ID), referralhub.EventRefund) {
			if ev.PurchaseKey != "stripe:pi_cs_1" {
				t.Errorf("refund %s names %s", ev.Key, ev.PurchaseKey)
			}
			amounts = append(amounts, ev.Amount)
		}
		if len(amounts) != 2 || amounts[0]+amounts[1] != 5000 {
			t.Fatalf("refund amounts = %v", amounts)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 1000 {
			t.Fatalf("after the full refund: %+v", b)
		}
		dispute := f.sendStripe(t, "evt_d", stripepay.DisputeCreated, stripetest.Dispute("dp_1", "ch_2", "pi_cs_2", 3000))
		wantOutcome(t, dispute, referralhub.StripeRecorded, "Dispute", "$30.00")
		if refunds := named(f.eventsOf(t, carol.p.ID), referralhub.EventRefund); len(refunds) != 1 || refunds[0].Amount != 3000 {
			t.Fatalf("carol's refunds = %+v", refunds)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 0 {
			t.Fatalf("after the dispute: %+v", b)
		}
	})
}

// TestStripeRefundBeforeItsPurchase keeps a refund whose payment is not
// known yet, and applies it with the purchase when that arrives.
func TestStripeRefundBeforeItsPurchase(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.setRules(t, 0, purchaseRule())
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		refund := f.sendStripe(t, "evt_r", stripepay.ChargeRefunded, stripetest.Charge("ch_1", "cus_bob", "pi_7", 2000, 2000))
		wantOutcome(t, refund, referralhub.StripeUnmatched, "Waiting for its purchase", "pi_7")
		inv := stripetest.Invoice("in_7", "cus_bob", "", 2000, "pi_7")
		inv["customer_email"] = "bob@example.com"
		f.sendStripe(t, "evt_i", stripepay.InvoicePaid, inv)
		wantOutcome(t, f.stripeEvent(t, "evt_r"), referralhub.StripeRecorded, "Applied when its purchase arrived", "$20.00")
		evs := f.eventsOf(t, bob.p.ID)
		if len(named(evs, referralhub.EventPurchase)) != 1 || len(named(evs, referralhub.EventRefund)) != 1 {
			t.Fatalf("bob's events = %+v", evs)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 0 {
			t.Fatalf("alice keeps %+v of a refunded purchase", b)
		}
	})
}

// TestStripeSubscriptionSetsThePlan moves a subscription from its trial to
// active to cancelled: the plan is free, paid, free. An older event
// arriving late changes nothing.
func TestStripeSubscriptionSetsThePlan(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		bob := f.join(t, "bob", nil)
		plan := func() string {
			p, err := db.Read().Participant(context.Background(), bob.p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return p.Plan
		}
		trialEnd := f.clock.Now().Add(14 * 24 * time.Hour)
		sub := func(status string, end time.Time) stripetest.Object {
			obj := stripetest.Subscription("sub_1", "cus_bob", status, end)
			return obj
		}
		created := stripetest.Event("evt_1", stripepay.SubscriptionCreated, f.clock.Now(), sub("trialing", trialEnd))
		f.clock.Advance(time.Minute)
		stale := f.sendStripePayload(t, "evt_0", stripetest.Event("evt_0", stripepay.SubscriptionUpdated, f.clock.Now().Add(-time.Hour),
			sub("incomplete", time.Time{})))
		wantOutcome(t, stale, referralhub.StripeUnmatched)
		if err := f.svc.SetBilling(context.Background(), bob.p.ID, referralhub.PlanFree, "cus_bob"); err != nil {
			t.Fatal(err)
		}
		// bob's customer id was set by hand: matched by email now.
		f.sendStripePayload(t, "evt_1", created)
		if wantOutcome(t, f.stripeEvent(t, "evt_1"), referralhub.StripeRecorded, "trialing", "free"); plan() != referralhub.PlanFree {
			t.Fatalf("trialing: plan %s", plan())
		}
		wantOutcome(t, f.sendStripe(t, "evt_2", stripepay.SubscriptionUpdated, sub("active", time.Time{})),
			referralhub.StripeRecorded, "paid")
		if plan() != referralhub.PlanPaid {
			t.Fatalf("active: plan %s", plan())
		}
		late := f.sendStripePayload(t, "evt_late", stripetest.Event("evt_late", stripepay.SubscriptionUpdated,
			f.clock.Now().Add(-time.Hour), sub("trialing", trialEnd)))
		wantOutcome(t, late, referralhub.StripeIgnored, "Older")
		if plan() != referralhub.PlanPaid {
			t.Fatalf("after a late trialing event: plan %s", plan())
		}
		wantOutcome(t, f.sendStripe(t, "evt_3", stripepay.SubscriptionDeleted, sub("canceled", time.Time{})),
			referralhub.StripeRecorded, "canceled", "free")
		if plan() != referralhub.PlanFree {
			t.Fatalf("cancelled: plan %s", plan())
		}
	})
}

// TestStripeIgnoresOtherTypesAndFailsOtherVersions ignores an event type
// it does not act on, and fails one sent in another API version, saying
// how to fix it; resent in the right version, it runs again.
func TestStripeIgnoresOtherTypesAndFailsOtherVersions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		bob := f.join(t, "bob", nil)
		wantOutcome(t, f.sendStripe(t, "evt_c", "customer.created", stripetest.Object{"id": "cus_1", "object": "customer"}),
			referralhub.StripeIgnored, "customer.created")
		obj := checkoutFor("cs_1", "cus_bob", "bob@example.com", 1500)
		old := f.sendStripePayload(t, "evt_v", stripetest.EventIn("2025-03-31.basil", "evt_v", stripepay.CheckoutCompleted, f.clock.Now(), obj))
		wantOutcome(t, old, referralhub.StripeFailed, "2025-03-31.basil", stripepay.APIVersion)
		resent := f.sendStripe(t, "evt_v", stripepay.CheckoutCompleted, obj)
		wantOutcome(t, resent, referralhub.StripeRecorded, "$15.00")
		if resent.Retries != 1 || resent.ParticipantID != bob.p.ID {
			t.Fatalf("resent = %+v", resent)
		}
	})
}

// TestStripeRetryOfAFailedEventIsAudited retries a failed event for an
// admin only, records it in the audit log, and applies it again.
func TestStripeRetryOfAFailedEventIsAudited(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		bob := f.join(t, "bob", nil)
		payload := stripetest.EventIn("2024-06-20", "evt_1", stripepay.InvoicePaid, f.clock.Now(),
			stripetest.Invoice("in_1", "cus_bob", "", 900, "pi_1"))
		wantOutcome(t, f.sendStripePayload(t, "evt_1", payload), referralhub.StripeFailed)
		if err := f.svc.RetryStripeEvent(ctx, bob.user, "evt_1"); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("a participant retried: %v", err)
		}
		if err := f.svc.RetryStripeEvent(ctx, f.admin(t), "evt_1"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RetryStripeEvent(ctx, f.admin(t), "evt_1"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("a retry of a pending event: %v", err)
		}
		f.runJobs(t)
		e := f.stripeEvent(t, "evt_1")
		wantOutcome(t, e, referralhub.StripeFailed, "2024-06-20") // the same payload fails the same way
		if e.Retries != 1 {
			t.Fatalf("retries = %d", e.Retries)
		}
		log, err := f.svc.AuditLog(ctx, f.admin(t), "", 1)
		if err != nil || len(log) == 0 || log[0].Action != "stripe.retry" || !strings.Contains(log[0].Subject, "evt_1") {
			t.Fatalf("audit = %+v, %v", log, err)
		}
		sync, err := f.svc.StripeSync(ctx, f.admin(t))
		if err != nil || len(sync.Events) != 1 || sync.Events[0].ID != "evt_1" || len(sync.Types) != 7 || sync.APIKey {
			t.Fatalf("sync = %+v, %v", sync, err)
		}
		if _, err := f.svc.StripeSync(ctx, bob.user); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("a participant saw the Stripe page: %v", err)
		}
	})
}

// TestDeletedAccountLeavesNoStripeTrace deletes a participant who paid
// through Stripe: their customer link, subscription and the events that
// named them keep nothing of them, and later events match nobody.
func TestDeletedAccountLeavesNoStripeTrace(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		bob := f.join(t, "bobstripe", nil)
		obj := checkoutFor("cs_1", "cus_bob", "bobstripe@example.com", 1000)
		obj["customer_details"] = stripetest.Object{"email": "bobstripe@example.com", "name": "Bob Stripe"}
		f.sendStripe(t, "evt_1", stripepay.CheckoutCompleted, obj)
		f.sendStripe(t, "evt_2", stripepay.SubscriptionCreated, stripetest.Subscription("sub_1", "cus_bob", "active", time.Time{}))
		storagetest.AssertSomewhere(t, db, "Bob Stripe")
		if err := f.svc.DeleteAccount(ctx, bob.user, "password123", true); err != nil {
			t.Fatal(err)
		}
		storagetest.AssertNowhere(t, db, "bobstripe", "Bob Stripe", "cus_bob")
		again := f.sendStripe(t, "evt_3", stripepay.InvoicePaid, stripetest.Invoice("in_1", "cus_bob", "sub_1", 1000, "pi_1"))
		wantOutcome(t, again, referralhub.StripeUnmatched)
	})
}

// TestConcurrentEventsOfOnePaymentCountOnce applies a checkout and the
// invoice of the same payment at the same moment on two workers: one
// purchase is recorded, and the other event says so.
func TestConcurrentEventsOfOnePaymentCountOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.setRules(t, 0, purchaseRule())
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		checkout := checkoutFor("cs_1", "cus_bob", "bob@example.com", 4900)
		checkout["invoice"], checkout["payment_intent"] = "in_1", nil
		invoice := stripetest.Invoice("in_1", "cus_bob", "sub_1", 4900, "pi_1")
		invoice["customer_email"] = "bob@example.com"
		f.runJobs(t) // the signups' mails: the workers below find only the two events
		for id, payload := range map[string][]byte{
			"evt_c": stripetest.Event("evt_c", stripepay.CheckoutCompleted, f.clock.Now(), checkout),
			"evt_i": stripetest.Event("evt_i", stripepay.InvoicePaid, f.clock.Now(), invoice),
		} {
			h, err := stripepay.VerifyEvent(payload, stripetest.Sign(payload, stripetest.Secret, time.Time{}), stripetest.Secret)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.svc.ReceiveStripeEvent(ctx, h, payload); err != nil {
				t.Fatalf("%s: %v", id, err)
			}
		}
		second := worker.New(db, f.svc.JobHandlers(), worker.Config{Now: f.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		var wg sync.WaitGroup
		for _, w := range []*worker.Worker{f.jobs, second} {
			wg.Go(func() {
				if _, err := w.RunOne(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		f.clock.Advance(time.Hour) // a loser of the race retries
		f.runJobs(t)
		outcomes := map[string]int{}
		for _, id := range []string{"evt_c", "evt_i"} {
			outcomes[f.stripeEvent(t, id).Outcome]++
		}
		if outcomes[referralhub.StripeRecorded] != 1 || outcomes[referralhub.StripeIgnored] != 1 {
			t.Fatalf("outcomes = %v", outcomes)
		}
		if n := len(named(f.eventsOf(t, bob.p.ID), referralhub.EventPurchase)); n != 1 {
			t.Fatalf("%d purchases of one payment", n)
		}
	})
}
