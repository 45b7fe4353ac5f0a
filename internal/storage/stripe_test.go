package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestStripeEventsAreKeptOnceWithTheirOutcome stores an event, refuses its
// repeat, records an outcome, retries a failed one and lists them newest
// first without payloads.
func TestStripeEventsAreKeptOnceWithTheirOutcome(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		_, bob := mustUser(t, db, "bob")
		ev := referralhub.StripeEvent{ID: "evt_1", Type: "invoice.paid", APIVersion: "2026-03-25.dahlia", Livemode: true,
			Payload: []byte(`{"id":"evt_1"}`), CreatedAt: t0, ReceivedAt: t0.Add(time.Second)}
		for i, want := range []bool{true, false} {
			if ok, err := w.InsertStripeEvent(ctx, ev); ok != want || err != nil {
				t.Fatalf("insert %d: %v %v", i, ok, err)
			}
		}
		got, err := w.StripeEvent(ctx, "evt_1")
		if err != nil || got.Outcome != referralhub.StripePending || string(got.Payload) != `{"id":"evt_1"}` || !got.Livemode ||
			!got.CreatedAt.Equal(t0) || !got.ProcessedAt.IsZero() || got.ParticipantID != 0 {
			t.Fatalf("stored = %+v, %v", got, err)
		}
		if _, err := w.StripeEvent(ctx, "evt_none"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("unknown event: %v", err)
		}
		if _, ok, err := w.RetryStripeEvent(ctx, "evt_1"); ok || err != nil {
			t.Fatalf("retry of a pending event: %v %v", ok, err)
		}
		got.Outcome, got.Detail, got.ParticipantID, got.ProcessedAt = referralhub.StripeFailed, "boom", bob.ID, t0.Add(time.Minute)
		if err := w.SetStripeOutcome(ctx, got); err != nil {
			t.Fatal(err)
		}
		if n, ok, err := w.RetryStripeEvent(ctx, "evt_1"); n != 1 || !ok || err != nil {
			t.Fatalf("retry: %d %v %v", n, ok, err)
		}
		second := ev
		second.ID, second.ReceivedAt = "evt_2", t0.Add(time.Hour)
		if _, err := w.InsertStripeEvent(ctx, second); err != nil {
			t.Fatal(err)
		}
		list, err := db.Read().RecentStripeEvents(ctx, 10)
		if err != nil || len(list) != 2 || list[0].ID != "evt_2" || list[1].ID != "evt_1" || list[1].Retries != 1 ||
			list[1].Outcome != referralhub.StripePending || list[1].ParticipantID != bob.ID || list[1].Payload != nil {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if err := w.ForgetStripeEventsOf(ctx, bob.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.StripeEvent(ctx, "evt_1"); len(got.Payload) != 0 {
			t.Fatalf("payload after forgetting = %q", got.Payload)
		}
		if got, _ := w.StripeEvent(ctx, "evt_2"); len(got.Payload) == 0 {
			t.Fatal("forgot another participant's event")
		}
	})
}

// TestStripeCustomerLinksKeepTheFirst links a customer once: a second link
// to someone else returns the first.
func TestStripeCustomerLinksKeepTheFirst(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		_, ann := mustUser(t, db, "ann")
		_, bob := mustUser(t, db, "bob")
		if _, err := w.StripeCustomerParticipant(ctx, "cus_1"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("unlinked: %v", err)
		}
		if id, err := w.LinkStripeCustomer(ctx, "cus_1", ann.ID, "email", t0); id != ann.ID || err != nil {
			t.Fatalf("link: %d %v", id, err)
		}
		if id, err := w.LinkStripeCustomer(ctx, "cus_1", bob.ID, "metadata", t0); id != ann.ID || err != nil {
			t.Fatalf("second link: %d %v", id, err)
		}
		if err := w.UnlinkStripeCustomersOf(ctx, ann.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.StripeCustomerParticipant(ctx, "cus_1"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("after unlinking: %v", err)
		}
	})
}

// TestParticipantsByEmailFindsUsersAndAPIParticipants matches a user's
// email whatever its case, and an API participant's.
func TestParticipantsByEmailFindsUsersAndAPIParticipants(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		_, ann := mustUser(t, db, "ann")
		cat := mustAPIParticipant(t, db, "cat", "Cat@Example.com", "Cat")
		twin := mustAPIParticipant(t, db, "twin", "ann@example.com", "Ann's twin")
		for email, want := range map[string][]int64{
			"ANN@example.com": {ann.ID, twin.ID}, "cat@example.COM": {cat.ID}, "nobody@example.com": nil,
		} {
			got, err := w.ParticipantsByEmail(ctx, email, 2)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("%s: %v %v, want %v", email, got, err, want)
			}
		}
		if changed, err := w.SetPlan(ctx, cat.ID, referralhub.PlanPaid); !changed || err != nil {
			t.Fatalf("set plan: %v %v", changed, err)
		}
		if changed, err := w.SetPlan(ctx, cat.ID, referralhub.PlanPaid); changed || err != nil {
			t.Fatalf("set the same plan: %v %v", changed, err)
		}
		for i, want := range []bool{true, false} {
			if set, err := w.SetStripeCustomerIfNone(ctx, cat.ID, "cus_"+string(rune('a'+i))); set != want || err != nil {
				t.Fatalf("set customer %d: %v %v", i, set, err)
			}
		}
		if p, _ := w.Participant(ctx, cat.ID); p.Plan != referralhub.PlanPaid || p.StripeCustomerID != "cus_a" {
			t.Fatalf("cat = %+v", p)
		}
	})
}

// TestStripePaymentsAndPendingRefunds keeps every id of a payment, each
// naming the first purchase, and refunds waiting for their payment.
func TestStripePaymentsAndPendingRefunds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		_, bob := mustUser(t, db, "bob")
		first := storage.StripePayment{ParticipantID: bob.ID, PurchaseKey: "stripe:pi_1"}
		if err := w.AddStripePayments(ctx, []string{"cs_1", "pi_1"}, first, t0); err != nil {
			t.Fatal(err)
		}
		if err := w.AddStripePayments(ctx, []string{"pi_1", "in_1"}, storage.StripePayment{PurchaseKey: "other"}, t0); err != nil {
			t.Fatal(err)
		}
		got, err := w.StripePayments(ctx, []string{"cs_1", "pi_1", "in_1", "pi_none"})
		if err != nil || len(got) != 3 || got["pi_1"].PurchaseKey != "stripe:pi_1" || got["cs_1"].ParticipantID != bob.ID ||
			got["in_1"].ParticipantID != 0 || got["in_1"].PurchaseKey != "other" {
			t.Fatalf("payments = %+v, %v", got, err)
		}
		refund := storage.PendingRefund{Key: "stripe:refund:ch_1:500", PaymentIDs: []string{"pi_2", "ch_1"}, Refunded: 500,
			Currency: "usd", StripeEventID: "evt_r", CreatedAt: t0}
		for range 2 {
			if err := w.AddPendingRefund(ctx, refund); err != nil {
				t.Fatal(err)
			}
		}
		later := storage.PendingRefund{Key: "stripe:dispute:dp_1", PaymentIDs: []string{"pi_2"}, Refunded: 900,
			Currency: "usd", StripeEventID: "evt_d", CreatedAt: t0.Add(time.Minute)}
		if err := w.AddPendingRefund(ctx, later); err != nil {
			t.Fatal(err)
		}
		pending, err := w.PendingRefundsFor(ctx, []string{"ch_1", "pi_2", "pi_1"})
		if err != nil || len(pending) != 2 || pending[0].Key != refund.Key || pending[0].Refunded != 500 ||
			!pending[0].CreatedAt.Equal(t0) || pending[1].Key != later.Key {
			t.Fatalf("pending = %+v, %v", pending, err)
		}
		if err := w.MarkPendingRefundApplied(ctx, refund.Key, t0); err != nil {
			t.Fatal(err)
		}
		if pending, _ := w.PendingRefundsFor(ctx, []string{"ch_1", "pi_2"}); len(pending) != 1 || pending[0].Key != later.Key {
			t.Fatalf("after applying one = %+v", pending)
		}
	})
}

// TestRefundedOfSumsOneChargesRefunds adds the refunds of a purchase whose
// keys share a prefix.
func TestRefundedOfSumsOneChargesRefunds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		_, bob := mustUser(t, db, "bob")
		events := []referralhub.Event{
			{Name: "purchase", Key: "p1", Amount: 5000},
			{Name: "refund", Key: "stripe:refund:ch_1:1000", Amount: 1000, PurchaseKey: "p1"},
			{Name: "refund", Key: "stripe:refund:ch_1:1500", Amount: 500, PurchaseKey: "p1"},
			{Name: "refund", Key: "stripe:dispute:dp_1", Amount: 5000, PurchaseKey: "p1"},
			{Name: "refund", Key: "stripe:refund:ch_1:9", Amount: 9, PurchaseKey: "p2"},
		}
		for _, e := range events {
			e.ParticipantID, e.Currency, e.CreatedAt = bob.ID, "usd", t0
			if _, err := w.RecordEvent(ctx, &e); err != nil {
				t.Fatal(err)
			}
		}
		for prefix, want := range map[string]int64{"stripe:refund:ch_1:": 1500, "stripe:": 6500, "stripe:refund:ch_2:": 0} {
			if got, err := w.RefundedOf(ctx, bob.ID, "p1", prefix); got != want || err != nil {
				t.Errorf("%s: %d %v, want %d", prefix, got, err, want)
			}
		}
	})
}

// TestStripeSubscriptionsKeepTheLatestEvent stores a subscription as its
// newest event left it: an older event arriving late changes nothing.
func TestStripeSubscriptionsKeepTheLatestEvent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		_, bob := mustUser(t, db, "bob")
		trialing := storage.StripeSubscription{ID: "sub_1", CustomerID: "cus_1", ParticipantID: bob.ID, Status: "trialing",
			TrialEnd: t0.Add(14 * 24 * time.Hour), EventAt: t0, UpdatedAt: t0}
		active := trialing
		active.Status, active.TrialEnd, active.EventAt = "active", time.Time{}, t0.Add(time.Hour)
		for _, step := range []struct {
			s    storage.StripeSubscription
			want bool
		}{{trialing, true}, {active, true}, {trialing, false}} {
			if ok, err := w.SaveStripeSubscription(ctx, step.s); ok != step.want || err != nil {
				t.Fatalf("save %s: %v %v", step.s.Status, ok, err)
			}
		}
		got, err := w.StripeSubscriptionByID(ctx, "sub_1")
		if err != nil || got.Status != "active" || !got.TrialEnd.IsZero() || !got.EventAt.Equal(active.EventAt) {
			t.Fatalf("stored = %+v, %v", got, err)
		}
		other := trialing
		other.ID, other.ParticipantID = "sub_2", 0
		if _, err := w.SaveStripeSubscription(ctx, other); err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(q *storage.Queries) error {
			if err := q.LockStripeSubscription(ctx, "sub_1"); err != nil {
				return err
			}
			return q.ExtendStripeTrial(ctx, "sub_1", t0.Add(30*24*time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		subs, err := w.StripeSubscriptionsOf(ctx, bob.ID)
		if err != nil || len(subs) != 1 || subs[0].ID != "sub_1" || !subs[0].TrialExtendedTo.Equal(t0.Add(30*24*time.Hour)) {
			t.Fatalf("bob's = %+v, %v", subs, err)
		}
		if _, err := w.StripeSubscriptionByID(ctx, "sub_none"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("unknown: %v", err)
		}
	})
}

// TestStripePromotionCodesOnePerParticipant keeps a participant's first
// code, found by participant and by Stripe id.
func TestStripePromotionCodesOnePerParticipant(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		_, ann := mustUser(t, db, "ann")
		if _, err := w.StripePromotionCodeOf(ctx, ann.ID); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("none yet: %v", err)
		}
		pc := storage.StripePromotionCode{ParticipantID: ann.ID, PromotionCodeID: "promo_1", Code: "CANN", CouponID: "co_1",
			CreatedAt: t0}
		second := pc
		second.PromotionCodeID, second.Code = "promo_2", "OTHER"
		for _, c := range []storage.StripePromotionCode{pc, second} {
			if err := w.SaveStripePromotionCode(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		for name, get := range map[string]func() (storage.StripePromotionCode, error){
			"of":    func() (storage.StripePromotionCode, error) { return w.StripePromotionCodeOf(ctx, ann.ID) },
			"by id": func() (storage.StripePromotionCode, error) { return w.StripePromotionCodeByID(ctx, "promo_1") },
		} {
			if got, err := get(); got != pc || err != nil {
				t.Errorf("%s: %+v %v", name, got, err)
			}
		}
		if _, err := w.StripePromotionCodeByID(ctx, "promo_2"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("the refused second code: %v", err)
		}
	})
}

// TestResendStripeEventReplacesOnlyAFailedOne lets a failed event be
// replaced by Stripe's new copy; one applied stays as it was.
func TestResendStripeEventReplacesOnlyAFailedOne(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		ev := referralhub.StripeEvent{ID: "evt_1", Type: "invoice.paid", APIVersion: "2024-06-20", Payload: []byte("old"),
			CreatedAt: t0, ReceivedAt: t0}
		if _, err := w.InsertStripeEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
		again := ev
		again.APIVersion, again.Payload, again.ReceivedAt = "2026-03-25.dahlia", []byte("new"), t0.Add(time.Hour)
		if _, ok, err := w.ResendStripeEvent(ctx, again); ok || err != nil {
			t.Fatalf("a pending event was replaced: %v %v", ok, err)
		}
		ev.Outcome, ev.ProcessedAt = referralhub.StripeFailed, t0
		if err := w.SetStripeOutcome(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if n, ok, err := w.ResendStripeEvent(ctx, again); n != 1 || !ok || err != nil {
			t.Fatalf("resend: %d %v %v", n, ok, err)
		}
		got, err := w.StripeEvent(ctx, "evt_1")
		if err != nil || string(got.Payload) != "new" || got.APIVersion != again.APIVersion || got.Outcome != referralhub.StripePending ||
			!got.ReceivedAt.Equal(again.ReceivedAt) || !got.ProcessedAt.IsZero() {
			t.Fatalf("after the resend: %+v, %v", got, err)
		}
	})
}

// TestStripeDataOfADeletedAccountGoes deletes a participant's promotion
// code and subscriptions, and finds participants by a customer id set by
// hand.
func TestStripeDataOfADeletedAccountGoes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		_, ann := mustUser(t, db, "ann")
		_, bob := mustUser(t, db, "bob")
		for _, p := range []referralhub.Participant{ann, bob} {
			if err := w.SaveStripePromotionCode(ctx, storage.StripePromotionCode{ParticipantID: p.ID, PromotionCodeID: "promo_" + p.Code,
				Code: p.Code, CouponID: "co", CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.SaveStripeSubscription(ctx, storage.StripeSubscription{ID: "sub_" + p.Code, CustomerID: "cus_" + p.Code,
				ParticipantID: p.ID, Status: "active", EventAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.DeleteStripePromotionCode(ctx, ann.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.DeleteStripeSubscriptionsOf(ctx, ann.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.StripePromotionCodeOf(ctx, ann.ID); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("ann's code: %v", err)
		}
		if subs, _ := w.StripeSubscriptionsOf(ctx, ann.ID); len(subs) != 0 {
			t.Errorf("ann's subscriptions: %+v", subs)
		}
		if _, err := w.StripePromotionCodeOf(ctx, bob.ID); err != nil {
			t.Errorf("bob's code: %v", err)
		}
		if subs, _ := w.StripeSubscriptionsOf(ctx, bob.ID); len(subs) != 1 {
			t.Errorf("bob's subscriptions: %+v", subs)
		}
		if err := w.SetBilling(ctx, bob.ID, "free", "cus_hand"); err != nil {
			t.Fatal(err)
		}
		if ids, err := w.ParticipantsByStripeCustomer(ctx, "cus_hand", 2); err != nil || !slices.Equal(ids, []int64{bob.ID}) {
			t.Errorf("by customer: %v %v", ids, err)
		}
	})
}

// TestWaitingTrialDaysListsAvailableOnesNotAskedFor lists a participant's
// approved trial_days rewards that were not asked for.
func TestWaitingTrialDaysListsAvailableOnesNotAskedFor(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		_, ann := mustUser(t, db, "ann")
		insert := func(key, kind, status string) referralhub.Reward {
			r := referralhub.Reward{ParticipantID: ann.ID, Side: "referrer", Entry: "reward", Kind: kind, Amount: 7, Status: status,
				Reason: key, CreditedAt: t0, ApprovedAt: t0}
			if _, err := w.InsertReward(ctx, &r, key); err != nil {
				t.Fatal(err)
			}
			return r
		}
		waiting := insert("a", referralhub.KindTrialDays, referralhub.StatusApproved)
		asked := insert("b", referralhub.KindTrialDays, referralhub.StatusApproved)
		insert("c", referralhub.KindPoints, referralhub.StatusApproved)
		insert("d", referralhub.KindTrialDays, referralhub.StatusPending)
		if ok, err := w.AskRedeem(ctx, asked.ID, ann.ID, t0); !ok || err != nil {
			t.Fatal(ok, err)
		}
		got, err := w.WaitingTrialDays(ctx, ann.ID)
		if err != nil || len(got) != 1 || got[0].ID != waiting.ID {
			t.Fatalf("waiting = %+v, %v", got, err)
		}
	})
}
