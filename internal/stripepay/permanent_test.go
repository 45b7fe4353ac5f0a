package stripepay_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/referralhub/referralhub/internal/stripepay"
)

// closedPort returns a base URL on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// stripeAnswer starts a server that answers every request with status and
// body, as Stripe would, and counts the calls.
func stripeAnswer(t *testing.T, status int, header http.Header, body string) (string, *atomic.Int32) {
	t.Helper()
	calls := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}

func stripeError(typ, code, msg string) string {
	return fmt.Sprintf(`{"error":{"type":%q,"code":%q,"message":%q}}`, typ, code, msg)
}

func TestPermanent(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		permanent bool
	}{
		{"invalid request", 400, nil, stripeError("invalid_request_error", "parameter_invalid_integer", "Invalid integer"), true},
		{"bad key", 401, nil, stripeError("invalid_request_error", "", "Invalid API Key provided: sk_test_***123"), true},
		{"card declined", 402, nil, stripeError("card_error", "card_declined", "Your card was declined."), true},
		{"no such customer", 404, nil, stripeError("invalid_request_error", "resource_missing", "No such customer: 'cus_x'"), true},
		{"idempotency mismatch", 400, nil, stripeError("idempotency_error", "", "Keys for idempotent requests can only be used with the same parameters"), true},
		{"key in use", 409, nil, stripeError("invalid_request_error", "idempotency_key_in_use", "in use"), false},
		{"rate limited", 429, nil, stripeError("invalid_request_error", "rate_limit", "Too many requests"), false},
		{"lock timeout", 429, nil, stripeError("invalid_request_error", "lock_timeout", "lock"), false},
		{"should retry", 400, http.Header{"Stripe-Should-Retry": {"true"}}, stripeError("invalid_request_error", "", "x"), false},
		{"unavailable json", 503, nil, stripeError("api_error", "", "Service unavailable"), false},
		{"unavailable html", 503, nil, "<html>Service Unavailable</html>", false},
		{"server error", 500, nil, stripeError("api_error", "", "Internal error"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base, calls := stripeAnswer(t, tc.status, tc.header, tc.body)
			c := newClient(t, base)
			_, err := c.CreditBalance(context.Background(), "reward-1", "cus_1", 100, "usd", "")
			if err == nil {
				t.Fatal("no error")
			}
			if got := stripepay.Permanent(err); got != tc.permanent {
				t.Errorf("Permanent(%v) = %t, want %t", err, got, tc.permanent)
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("%d calls, want 1: the client must not retry by itself", n)
			}
		})
	}
}

func TestPermanentOutage(t *testing.T) {
	c := newClient(t, closedPort(t))
	_, err := c.CreatePromotion(context.Background(), "reward-1", stripepay.Coupon{PercentOff: 10})
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if stripepay.Permanent(err) {
		t.Errorf("connection refused is permanent: %v", err)
	}
}

func TestPermanentCancelled(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(t, srv.URL).CreditBalance(ctx, "reward-1", "cus_1", 100, "usd", "")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if stripepay.Permanent(err) {
		t.Errorf("cancellation is permanent: %v", err)
	}
}

func TestPermanentNil(t *testing.T) {
	if stripepay.Permanent(nil) {
		t.Error("Permanent(nil) = true")
	}
	if stripepay.Permanent(errors.New("boom")) {
		t.Error("a plain error is permanent")
	}
}
