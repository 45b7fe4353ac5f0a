package stripepay_test

import (
	"context"
	"testing"
)

func TestCreditBalance(t *testing.T) {
	t.Parallel()
	c, rec := mockClient(t)
	id, err := c.CreditBalance(context.Background(), "reward-9", "cus_123", 500, "usd", "Referral reward: bob's first purchase")
	if err != nil {
		t.Fatal(err)
	}
	if id == "" {
		t.Fatal("empty balance transaction id")
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	checkRequest(t, reqs[0], "/v1/customers/cus_123/balance_transactions", "reward-9-credit", map[string]string{
		"amount": "-500", "currency": "usd", "description": "Referral reward: bob's first purchase",
	})
}

func TestCreditBalanceInvalid(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:1") // never reached
	cases := []struct {
		name, key, customer string
		amount              int64
		currency            string
	}{
		{"no key", "", "cus_1", 100, "usd"},
		{"no customer", "reward-1", "", 100, "usd"},
		{"zero", "reward-1", "cus_1", 0, "usd"},
		{"negative", "reward-1", "cus_1", -100, "usd"},
		{"no currency", "reward-1", "cus_1", 100, ""},
	}
	for _, tc := range cases {
		_, err := c.CreditBalance(context.Background(), tc.key, tc.customer, tc.amount, tc.currency, "")
		if err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
