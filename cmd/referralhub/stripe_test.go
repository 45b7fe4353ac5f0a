package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay/stripetest"
)

// TestServeReceivesStripeEvents runs the real program with the webhook
// secret in a file: a signed event is stored and applied by its worker,
// an unsigned one refused.
func TestServeReceivesStripeEvents(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		file := filepath.Join(t.TempDir(), "whsec")
		if err := os.WriteFile(file, []byte(stripetest.Secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		getenv := testEnv(t, engine, map[string]string{"REFERRALHUB_STRIPE_WEBHOOK_SECRET_FILE": file})
		base, stop := startServe(t, getenv)
		defer stop()
		payload := stripetest.Event("evt_serve", "customer.created", time.Now(), stripetest.Object{"id": "cus_1"})
		post := func(signature string) int {
			t.Helper()
			req, err := http.NewRequest(http.MethodPost, base+"/integrations/stripe/webhook", strings.NewReader(string(payload)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Stripe-Signature", signature)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if status := post("t=1,v1=00"); status != http.StatusBadRequest {
			t.Fatalf("a bad signature: %d", status)
		}
		if status := post(stripetest.Sign(payload, stripetest.Secret, time.Time{})); status != http.StatusOK {
			t.Fatalf("a signed event: %d", status)
		}
		db, err := storage.Open(context.Background(), getenv("REFERRALHUB_DATABASE_URL"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		deadline := time.Now().Add(10 * time.Second)
		for {
			e, err := db.Read().StripeEvent(context.Background(), "evt_serve")
			if err == nil && e.Outcome == referralhub.StripeIgnored {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the event was not applied: %+v, %v", e, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
