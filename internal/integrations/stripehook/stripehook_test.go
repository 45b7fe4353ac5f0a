package stripehook_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/integrations/stripehook"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/stripepay/stripetest"
)

// receiver records what the handler hands on, or fails with err.
type receiver struct {
	got []stripepay.EventHeader
	err error
}

func (r *receiver) ReceiveStripeEvent(_ context.Context, h stripepay.EventHeader, payload []byte) error {
	if len(payload) == 0 {
		return errors.New("no payload handed on")
	}
	r.got = append(r.got, h)
	return r.err
}

func post(t *testing.T, h http.Handler, payload []byte, signature string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, stripehook.Path, strings.NewReader(string(payload)))
	if signature != "" {
		req.Header.Set("Stripe-Signature", signature)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestHandlerAnswers(t *testing.T) {
	payload := stripetest.Event("evt_1", stripepay.ChargeRefunded, time.Now(), stripetest.Charge("ch_1", "cus_1", "pi_1", 100, 100))
	signed := stripetest.Sign(payload, stripetest.Secret, time.Time{})
	big := stripetest.Event("evt_2", stripepay.ChargeRefunded, time.Now(), stripetest.Object{"pad": strings.Repeat("x", 1<<20)})
	cases := []struct {
		name      string
		secret    string
		err       error
		payload   []byte
		signature string
		status    int
		says      string
	}{
		{"signed", stripetest.Secret, nil, payload, signed, 200, `"received":true`},
		{"no secret", "", nil, payload, signed, 503, "REFERRALHUB_STRIPE_WEBHOOK_SECRET"},
		{"unsigned", stripetest.Secret, nil, payload, "", 400, "missing"},
		{"wrong secret", "whsec_other", nil, payload, signed, 400, "does not match"},
		{"too large", stripetest.Secret, nil, big, stripetest.Sign(big, stripetest.Secret, time.Time{}), 413, "1 MiB"},
		{"not stored", stripetest.Secret, errors.New("database down"), payload, signed, 500, "send it again"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &receiver{err: tc.err}
			h := stripehook.New(tc.secret, r, quiet)
			rec := post(t, h, tc.payload, tc.signature)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.says) ||
				!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Fatalf("%d %s, want %d saying %q", rec.Code, rec.Body, tc.status, tc.says)
			}
			if handed := len(r.got) == 1; handed != (tc.status == 200 || tc.status == 500) {
				t.Errorf("handed on %d events", len(r.got))
			}
			if h.Configured() != (tc.secret != "") {
				t.Errorf("Configured() = %v", h.Configured())
			}
		})
	}
}
