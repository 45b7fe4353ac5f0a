package stripepay_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/stripepay"
)

func TestCustomerIsFetched(t *testing.T) {
	t.Parallel()
	c, rec := mockClient(t)
	cus, err := c.Customer(context.Background(), "cus_123")
	if err != nil {
		t.Fatal(err)
	}
	if cus.ID == "" || cus.Metadata == nil {
		t.Fatalf("customer = %+v", cus)
	}
	reqs := rec.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/v1/customers/cus_123" {
		t.Fatalf("requests = %+v", reqs)
	}
	if _, err := c.Customer(context.Background(), ""); !stripepay.Permanent(err) {
		t.Fatalf("no id: %v", err)
	}
}

func TestInvoiceDetailsExpandDiscountsAndPayments(t *testing.T) {
	t.Parallel()
	c, rec := mockClient(t)
	if _, err := c.InvoiceDetails(context.Background(), "in_123"); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/v1/invoices/in_123" {
		t.Fatalf("requests = %+v", reqs)
	}
	q := reqs[0].Query
	if got := []string{q.Get("expand[0]"), q.Get("expand[1]")}; !slices.Equal(got, []string{"discounts", "payments"}) {
		t.Errorf("expand = %q in %v", got, q)
	}
}

func TestCreateReferralPromotion(t *testing.T) {
	t.Parallel()
	c, rec := mockClient(t)
	p, err := c.CreateReferralPromotion(context.Background(), "rh-x-participant-7-promotion-co_1",
		stripepay.ReferralPromotion{CouponID: "co_1", Code: "ABCD2345", ParticipantID: 7})
	if err != nil {
		t.Fatal(err)
	}
	if p.PromotionCodeID == "" || p.Code != "ABCD2345" || p.CouponID != "co_1" {
		t.Fatalf("promotion = %+v", p)
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	checkRequest(t, reqs[0], "/v1/promotion_codes", "rh-x-participant-7-promotion-co_1", map[string]string{
		"code": "ABCD2345", "promotion[type]": "coupon", "promotion[coupon]": "co_1", "max_redemptions": "",
		"restrictions[first_time_transaction]": "true", "metadata[referralhub_participant_id]": "7",
	})
	for _, bad := range []stripepay.ReferralPromotion{{Code: "X"}, {CouponID: "co_1"}} {
		if _, err := c.CreateReferralPromotion(context.Background(), "k", bad); !stripepay.Permanent(err) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("%d requests after invalid input", n)
	}
}

func TestExtendTrial(t *testing.T) {
	t.Parallel()
	c, rec := mockClient(t)
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if err := c.ExtendTrial(context.Background(), "rh-x-reward-9-trial", "sub_123", end); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	checkRequest(t, reqs[0], "/v1/subscriptions/sub_123", "rh-x-reward-9-trial", map[string]string{
		"trial_end": strconv.FormatInt(end.Unix(), 10), "proration_behavior": "none",
	})
	for name, err := range map[string]error{
		"no key":          c.ExtendTrial(context.Background(), "", "sub_1", end),
		"no subscription": c.ExtendTrial(context.Background(), "k", "", end),
		"no end":          c.ExtendTrial(context.Background(), "k", "sub_1", time.Time{}),
	} {
		if !stripepay.Permanent(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
