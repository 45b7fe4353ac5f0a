package stripepay_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/referralhub/referralhub/internal/stripepay"
)

func TestCreatePromotion(t *testing.T) {
	t.Parallel()
	c, rec := mockClient(t)
	p, err := c.CreatePromotion(context.Background(), "reward-42", stripepay.Coupon{Name: "Thanks, Alice", PercentOff: 15})
	if err != nil {
		t.Fatal(err)
	}
	if p.CouponID == "" || p.PromotionCodeID == "" || p.Code == "" {
		t.Fatalf("promotion has empty fields: %+v", p)
	}
	t.Logf("stripe-mock promotion: %+v", p)
	reqs := rec.requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2: %+v", len(reqs), reqs)
	}
	coupon, promo := reqs[0], reqs[1]
	checkRequest(t, coupon, "/v1/coupons", "reward-42-coupon", map[string]string{
		"duration": "once", "name": "Thanks, Alice", "amount_off": "", "currency": "",
	})
	// stripe-go writes floats with four decimals: "15.0000".
	if pct, err := strconv.ParseFloat(coupon.Form.Get("percent_off"), 64); err != nil || pct != 15 {
		t.Errorf("percent_off = %q, want 15", coupon.Form.Get("percent_off"))
	}
	checkRequest(t, promo, "/v1/promotion_codes", "reward-42-promotion", map[string]string{
		"promotion[type]": "coupon", "promotion[coupon]": p.CouponID, "max_redemptions": "1",
	})
}

func TestCreatePromotionAmountOff(t *testing.T) {
	t.Parallel()
	c, rec := mockClient(t)
	p, err := c.CreatePromotion(context.Background(), "reward-7", stripepay.Coupon{AmountOff: 500, Currency: "eur"})
	if err != nil {
		t.Fatal(err)
	}
	if p.CouponID == "" || p.PromotionCodeID == "" || p.Code == "" {
		t.Fatalf("promotion has empty fields: %+v", p)
	}
	checkRequest(t, rec.requests()[0], "/v1/coupons", "reward-7-coupon", map[string]string{
		"duration": "once", "amount_off": "500", "currency": "eur", "percent_off": "", "name": "",
	})
}

// checkRequest checks a recorded POST: its path, Idempotency-Key and form
// fields ("" means the field must be absent).
func checkRequest(t *testing.T, r request, path, key string, form map[string]string) {
	t.Helper()
	if r.Method != http.MethodPost || r.Path != path {
		t.Errorf("request %s %s, want POST %s", r.Method, r.Path, path)
	}
	if got := r.Header.Get("Idempotency-Key"); got != key {
		t.Errorf("%s: Idempotency-Key %q, want %q", path, got, key)
	}
	for field, want := range form {
		if got := r.Form.Get(field); got != want {
			t.Errorf("%s: %s = %q, want %q", path, field, got, want)
		}
	}
}

func TestCreatePromotionInvalid(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "should not be called", http.StatusTeapot)
	}))
	defer srv.Close()
	c := newClient(t, srv.URL)
	cases := map[string]stripepay.Coupon{
		"both":               {PercentOff: 10, AmountOff: 100, Currency: "usd"},
		"neither":            {Name: "nothing"},
		"percent 0":          {PercentOff: 0},
		"percent 101":        {PercentOff: 101},
		"percent negative":   {PercentOff: -5},
		"amount negative":    {AmountOff: -100, Currency: "usd"},
		"amount no currency": {AmountOff: 100},
		"amount bad cur":     {AmountOff: 100, Currency: "USD"},
		"name too long":      {PercentOff: 10, Name: "a name that is far longer than forty characters"},
	}
	for name, cp := range cases {
		_, err := c.CreatePromotion(context.Background(), "reward-1", cp)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !stripepay.Permanent(err) {
			t.Errorf("%s: %v is not permanent", name, err)
		}
	}
	if _, err := c.CreatePromotion(context.Background(), "", stripepay.Coupon{PercentOff: 10}); err == nil {
		t.Error("empty idempotency key: no error")
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d HTTP calls made for invalid input", n)
	}
}
