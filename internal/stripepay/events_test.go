package stripepay_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/stripepay/stripetest"
)

var at = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func TestVerifyEvent(t *testing.T) {
	payload := stripetest.Event("evt_1", stripepay.InvoicePaid, at, stripetest.Invoice("in_1", "cus_1", "sub_1", 900, ""))
	good := stripetest.Sign(payload, stripetest.Secret, time.Time{})
	h, err := stripepay.VerifyEvent(payload, good, stripetest.Secret)
	if err != nil || h.ID != "evt_1" || h.Type != stripepay.InvoicePaid || h.APIVersion != stripepay.APIVersion || !h.Created.Equal(at) {
		t.Fatalf("header = %+v, %v", h, err)
	}
	notEvent := []byte(`{"id":"in_1","object":"invoice"}`)
	noID := stripetest.Event("", stripepay.InvoicePaid, at, stripetest.Object{})
	cases := []struct {
		name, header string
		payload      []byte
		want         string
	}{
		{"missing", "", payload, "missing"},
		{"garbled", "nonsense", payload, "does not match"},
		{"other secret", stripetest.Sign(payload, "whsec_other", time.Time{}), payload, "does not match"},
		{"tampered", good, append([]byte(nil), strings.Replace(string(payload), "900", "9000", 1)...), "does not match"},
		{"too old", stripetest.Sign(payload, stripetest.Secret, time.Now().Add(-6*time.Minute)), payload, "5 minutes"},
		{"not an event", stripetest.Sign(notEvent, stripetest.Secret, time.Time{}), notEvent, "not a Stripe event"},
		{"not JSON", stripetest.Sign([]byte("{"), stripetest.Secret, time.Time{}), []byte("{"), "not a Stripe event"},
		{"no id", stripetest.Sign(noID, stripetest.Secret, time.Time{}), noID, "no id"},
	}
	for _, tc := range cases {
		_, err := stripepay.VerifyEvent(tc.payload, tc.header, stripetest.Secret)
		if referralhub.ErrorCode(err) != referralhub.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an invalid error saying %q", tc.name, err, tc.want)
		}
	}
	old := stripetest.EventIn("2024-06-20", "evt_2", stripepay.InvoicePaid, at, stripetest.Object{})
	if h, err := stripepay.VerifyEvent(old, stripetest.Sign(old, stripetest.Secret, time.Time{}), stripetest.Secret); err != nil ||
		h.APIVersion != "2024-06-20" || stripepay.CompatibleAPIVersion(h.APIVersion) {
		t.Errorf("another API version is verified and reported, not refused: %+v %v", h, err)
	}
}

func TestCompatibleAPIVersion(t *testing.T) {
	for v, want := range map[string]bool{
		stripepay.APIVersion: true, "2026-09-30.dahlia": true, "2025-03-31.basil": false, "2024-06-20": false, "": false,
	} {
		if got := stripepay.CompatibleAPIVersion(v); got != want {
			t.Errorf("%q: %v", v, got)
		}
	}
}

func parse(t *testing.T, typ string, obj stripetest.Object) stripepay.Event {
	t.Helper()
	e, err := stripepay.ParseEvent(stripetest.Event("evt_x", typ, at, obj))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestParseCheckout(t *testing.T) {
	obj := stripetest.Checkout("cs_1", "cus_1", 4900)
	obj["client_reference_id"] = "user_42"
	obj["customer_details"] = stripetest.Object{"email": "Bob@Example.com", "name": "Bob"}
	obj["invoice"], obj["subscription"] = "in_1", "sub_1"
	obj["discounts"] = []any{stripetest.Object{"coupon": "co_1", "promotion_code": "promo_1"}, stripetest.Object{"coupon": "co_2"}}
	c := parse(t, stripepay.CheckoutCompleted, obj).Checkout
	want := stripepay.Checkout{ID: "cs_1", Paid: true, CustomerID: "cus_1", Email: "Bob@Example.com", Name: "Bob",
		ClientReferenceID: "user_42", PaymentIntentID: "pi_cs_1", InvoiceID: "in_1", SubscriptionID: "sub_1", Amount: 4900,
		Currency: "usd", PromotionCodeIDs: []string{"promo_1"}}
	if c == nil || !equalCheckout(*c, want) {
		t.Fatalf("checkout = %+v", c)
	}
	obj["payment_status"] = "no_payment_required"
	if c := parse(t, stripepay.CheckoutCompleted, obj).Checkout; c.Paid {
		t.Error("a checkout without payment is paid")
	}
}

func equalCheckout(a, b stripepay.Checkout) bool {
	return slices.Equal(a.PromotionCodeIDs, b.PromotionCodeIDs) && func() bool {
		a.PromotionCodeIDs, b.PromotionCodeIDs = nil, nil
		return a.ID == b.ID && a.Paid == b.Paid && a.CustomerID == b.CustomerID && a.Email == b.Email && a.Name == b.Name &&
			a.ClientReferenceID == b.ClientReferenceID && a.PaymentIntentID == b.PaymentIntentID && a.InvoiceID == b.InvoiceID &&
			a.SubscriptionID == b.SubscriptionID && a.Amount == b.Amount && a.Currency == b.Currency
	}()
}

func TestParseInvoice(t *testing.T) {
	obj := stripetest.Invoice("in_1", "cus_1", "sub_1", 900, "pi_1")
	obj["customer_email"] = "bob@example.com"
	obj["discounts"] = []any{"di_1", stripetest.Object{"id": "di_2", "object": "discount", "promotion_code": "promo_2"}}
	inv := parse(t, stripepay.InvoicePaid, obj).Invoice
	if inv == nil || inv.ID != "in_1" || inv.CustomerID != "cus_1" || inv.Email != "bob@example.com" || inv.AmountPaid != 900 ||
		inv.Currency != "usd" || inv.SubscriptionID != "sub_1" || !inv.PaymentsKnown || !slices.Equal(inv.PaymentIntentIDs, []string{"pi_1"}) ||
		!slices.Equal(inv.PromotionCodeIDs, []string{"promo_2"}) || !slices.Equal(inv.DiscountIDs, []string{"di_1"}) {
		t.Fatalf("invoice = %+v", inv)
	}
	if inv := parse(t, stripepay.InvoicePaid, stripetest.Invoice("in_2", "cus_1", "", 900, "")).Invoice; inv.PaymentsKnown || inv.SubscriptionID != "" {
		t.Fatalf("an invoice without payments = %+v", inv)
	}
}

func TestParseChargeDisputeAndSubscription(t *testing.T) {
	ch := parse(t, stripepay.ChargeRefunded, stripetest.Charge("ch_1", "cus_1", "pi_1", 5000, 1000)).Charge
	if ch == nil || ch.ID != "ch_1" || ch.CustomerID != "cus_1" || ch.PaymentIntentID != "pi_1" || ch.Amount != 5000 ||
		ch.AmountRefunded != 1000 || ch.Refunded || ch.Currency != "usd" {
		t.Fatalf("charge = %+v", ch)
	}
	dp := parse(t, stripepay.DisputeCreated, stripetest.Dispute("dp_1", "ch_1", "pi_1", 5000)).Dispute
	if dp == nil || *dp != (stripepay.Dispute{ID: "dp_1", ChargeID: "ch_1", PaymentIntentID: "pi_1", Amount: 5000, Currency: "usd"}) {
		t.Fatalf("dispute = %+v", dp)
	}
	end := at.Add(14 * 24 * time.Hour)
	for typ, want := range map[string]stripepay.Subscription{
		stripepay.SubscriptionCreated: {ID: "sub_1", CustomerID: "cus_1", Status: "trialing", TrialEnd: end},
		stripepay.SubscriptionUpdated: {ID: "sub_1", CustomerID: "cus_1", Status: "active"},
		stripepay.SubscriptionDeleted: {ID: "sub_1", CustomerID: "cus_1", Status: "canceled"},
	} {
		sub := parse(t, typ, stripetest.Subscription(want.ID, want.CustomerID, want.Status, want.TrialEnd)).Subscription
		if sub == nil || *sub != want || sub.Active() != (want.Status == "active") || sub.Trialing() != (want.Status == "trialing") {
			t.Errorf("%s: %+v", typ, sub)
		}
	}
	if e := parse(t, "customer.created", stripetest.Object{"id": "cus_1"}); e.Checkout != nil || e.Invoice != nil || e.Subscription != nil {
		t.Errorf("another type = %+v", e)
	}
	if _, err := stripepay.ParseEvent(stripetest.Event("evt_1", stripepay.InvoicePaid, at, stripetest.Object{"amount_paid": "lots"})); referralhub.ErrorCode(err) != referralhub.EINVALID {
		t.Errorf("a bad object: %v", err)
	}
}
