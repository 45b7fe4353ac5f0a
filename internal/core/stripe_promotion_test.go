package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/stripepay/stripemock"
	"github.com/referralhub/referralhub/internal/stripepay/stripetest"
)

// withPromotion is a checkout that used a promotion code.
func withPromotion(obj stripetest.Object, promotionCodeID string) stripetest.Object {
	obj["discounts"] = []any{stripetest.Object{"coupon": "FRIEND10", "promotion_code": promotionCodeID}}
	return obj
}

// TestPromotionCodeIsMadeOnceAndShown makes a participant's code through
// Stripe the first time it is asked for, in capitals, once.
func TestPromotionCodeIsMadeOnceAndShown(t *testing.T) {
	mock := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		api := newStripeAPI(t, mock)
		f := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, api.URL)})
		alice := f.join(t, "alice", nil)
		if pc, err := f.svc.PromotionCodeOf(ctx, alice.p); err != nil || pc.On {
			t.Fatalf("without a coupon: %+v %v", pc, err)
		}
		f.setProgram(t, func(p *referralhub.Program) { p.StripeCoupon = "FRIEND10" })
		for range 2 {
			if pc, err := f.svc.PromotionCodeOf(ctx, alice.p); err != nil || !pc.On || pc.Code != "" {
				t.Fatalf("before the job: %+v %v", pc, err)
			}
		}
		f.runJobs(t)
		pc, err := f.svc.PromotionCodeOf(ctx, alice.p)
		if err != nil || pc.Code != strings.ToUpper(alice.p.Code) {
			t.Fatalf("after the job: %+v %v", pc, err)
		}
		calls := api.callsTo("POST", "/v1/promotion_codes")
		if len(calls) != 1 {
			t.Fatalf("%d promotion codes made", len(calls))
		}
		c := calls[0]
		if c.Form.Get("code") != pc.Code || c.Form.Get("promotion[coupon]") != "FRIEND10" ||
			c.Form.Get("metadata[referralhub_participant_id]") != itoa(alice.p.ID) || !strings.Contains(c.Key, "-participant-"+itoa(alice.p.ID)+"-") {
			t.Errorf("call = %+v", c)
		}
	})
}

// TestPromotionCodeCheckoutAttributes attributes a paying customer to the
// owner of the promotion code they used: a participant not referred yet
// is referred, a stranger gets a participant of their own, someone
// referred already keeps their referrer, and one's own code is refused.
func TestPromotionCodeCheckoutAttributes(t *testing.T) {
	mock := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		api := newStripeAPI(t, mock)
		f := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, api.URL)})
		f.setRules(t, 0, purchaseRule())
		f.setProgram(t, func(p *referralhub.Program) { p.StripeCoupon = "FRIEND10" })
		alice, erin := f.join(t, "alice", nil), f.join(t, "erin", nil)
		carol, bob := f.join(t, "carol", nil), f.join(t, "bob", &erin)
		if _, err := f.svc.PromotionCodeOf(ctx, alice.p); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t)
		code, err := db.Read().StripePromotionCodeOf(ctx, alice.p.ID)
		if err != nil {
			t.Fatal(err)
		}
		// carol joined on her own; she pays with alice's code.
		e := f.sendStripe(t, "evt_carol", stripepay.CheckoutCompleted,
			withPromotion(checkoutFor("cs_c", "cus_carol", "carol@example.com", 2000), code.PromotionCodeID))
		wantOutcome(t, e, referralhub.StripeRecorded, "promotion_code", "Referred by participant "+itoa(alice.p.ID))
		if parties, err := db.Read().ReferralPartiesOf(ctx, carol.p.ID); err != nil || parties.ReferrerID != alice.p.ID {
			t.Fatalf("carol's referral = %+v, %v", parties, err)
		}
		// A stranger: a participant is made for the customer.
		e = f.sendStripe(t, "evt_dave", stripepay.CheckoutCompleted,
			withPromotion(checkoutFor("cs_d", "cus_dave", "dave@elsewhere.example", 2000), code.PromotionCodeID))
		wantOutcome(t, e, referralhub.StripeRecorded, "promotion_code")
		dave, err := f.svc.Participant(ctx, "ext:stripe:cus_dave")
		if err != nil || dave.ID != e.ParticipantID || dave.Email != "dave@elsewhere.example" || dave.ReferrerID != alice.p.ID {
			t.Fatalf("dave = %+v, %v", dave, err)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 2000 {
			t.Fatalf("alice's credit = %+v", b)
		}
		// bob was referred by erin: he stays hers.
		e = f.sendStripe(t, "evt_bob", stripepay.CheckoutCompleted,
			withPromotion(checkoutFor("cs_b", "cus_bob", "bob@example.com", 2000), code.PromotionCodeID))
		wantOutcome(t, e, referralhub.StripeRecorded, "Referred before by participant "+itoa(erin.p.ID))
		if parties, _ := db.Read().ReferralPartiesOf(ctx, bob.p.ID); parties.ReferrerID != erin.p.ID {
			t.Fatalf("bob's referrer = %d", parties.ReferrerID)
		}
		// alice uses her own code: recorded as her purchase, nobody referred.
		e = f.sendStripe(t, "evt_alice", stripepay.CheckoutCompleted,
			withPromotion(checkoutFor("cs_a", "cus_alice", "alice@example.com", 2000), code.PromotionCodeID))
		wantOutcome(t, e, referralhub.StripeRecorded, "own promotion code")
		if _, err := db.Read().ReferralPartiesOf(ctx, alice.p.ID); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("alice referred herself: %v", err)
		}
		if b := balance(f.rewards(t, alice), referralhub.KindCredit, "usd"); b.Available != 2000 {
			t.Fatalf("alice's credit after her own purchase = %+v", b)
		}
	})
}

// TestInvoiceDetailsAreAskedOfStripe reads an invoice's payments and the
// promotion codes of its discounts from Stripe when its event carries
// only their ids: the invoice attributes through the code, and its
// purchase is keyed by the payment intent a later refund names.
func TestInvoiceDetailsAreAskedOfStripe(t *testing.T) {
	mock := stripemock.Start(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		api := newStripeAPI(t, mock)
		f := newFixtureWith(t, db, fixtureOptions{payments: stripeClient(t, api.URL)})
		f.setRules(t, 0, purchaseRule())
		f.setProgram(t, func(p *referralhub.Program) { p.StripeCoupon = "FRIEND10" })
		alice := f.join(t, "alice", nil)
		if _, err := f.svc.PromotionCodeOf(ctx, alice.p); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t)
		code, err := db.Read().StripePromotionCodeOf(ctx, alice.p.ID)
		if err != nil {
			t.Fatal(err)
		}
		full := stripetest.Invoice("in_1", "cus_new", "sub_1", 1900, "pi_1")
		full["discounts"] = []any{stripetest.Object{"id": "di_1", "object": "discount", "promotion_code": code.PromotionCodeID}}
		api.serve("/v1/invoices/in_1", full)
		sent := stripetest.Invoice("in_1", "cus_new", "sub_1", 1900, "")
		sent["discounts"], sent["customer_email"] = []any{"di_1"}, "newbie@example.org"
		e := f.sendStripe(t, "evt_inv", stripepay.InvoicePaid, sent)
		wantOutcome(t, e, referralhub.StripeRecorded, "promotion_code", "Referred by participant "+itoa(alice.p.ID))
		if calls := api.callsTo("GET", "/v1/invoices/in_1"); len(calls) != 1 {
			t.Fatalf("%d invoice reads", len(calls))
		}
		refund := f.sendStripe(t, "evt_ref", stripepay.ChargeRefunded, stripetest.Charge("ch_1", "cus_new", "pi_1", 1900, 1900))
		wantOutcome(t, refund, referralhub.StripeRecorded, "stripe:pi_1")
	})
}
