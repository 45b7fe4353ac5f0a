package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestAuthentication: no key, a malformed one, an unknown one and a
// revoked one get 401; a read key reads but gets 403 on every endpoint
// that writes; a write key does both.
func TestAuthentication(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		stats := "/api/v1/stats"
		r := e.request("GET", stats, "", "")
		r.wantError(t, http.StatusUnauthorized, "unauthorized", "")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		e.request("GET", stats, "", "", "Authorization", "Basic "+e.write).wantError(t, http.StatusUnauthorized, "unauthorized", "")
		e.request("GET", stats, "rhk_"+strings.Repeat("A", 52), "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
		e.request("GET", stats, "nonsense", "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
		e.request("GET", "/api/v1/nope", "", "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
		if r := e.request("GET", stats, e.read, ""); r.StatusCode != http.StatusOK {
			t.Fatalf("read key reading: %d %s", r.StatusCode, r.body)
		}
		if r := e.request("GET", stats, "", "", "Authorization", "bearer  "+e.write+" "); r.StatusCode != http.StatusOK {
			t.Fatalf("scheme is case-insensitive: %d %s", r.StatusCode, r.body)
		}
		for _, w := range []struct{ path, body string }{
			{"/api/v1/participants", `{"external_id":"x"}`},
			{"/api/v1/events", `{"participant":1,"type":"visit","idempotency_key":"k"}`},
			{"/api/v1/rewards/1/redeem", ``},
		} {
			e.request("POST", w.path, e.read, w.body).wantError(t, http.StatusForbidden, "forbidden", "")
		}
		if r := e.request("POST", "/api/v1/participants", e.write, `{"external_id":"x"}`); r.StatusCode != http.StatusCreated {
			t.Fatalf("write key writing: %d %s", r.StatusCode, r.body)
		}
		keys, err := e.svc.APIKeys(context.Background(), e.admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if k.Name == "writer" {
				if err := e.svc.RevokeAPIKey(context.Background(), e.admin, k.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		e.request("GET", stats, e.write, "").wantError(t, http.StatusUnauthorized, "unauthorized", "")
	})
}

// TestRateLimitPerKey answers 429 with Retry-After once a key is over its
// limit; another key still has its own allowance.
func TestRateLimitPerKey(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnvWith(t, db, envOptions{limit: ratelimit.Limit{Count: 2, Per: time.Minute}})
		for range 2 {
			if r := e.get("/api/v1/stats"); r.StatusCode != http.StatusOK {
				t.Fatalf("within the limit: %d", r.StatusCode)
			}
		}
		r := e.get("/api/v1/stats")
		r.wantError(t, http.StatusTooManyRequests, "too_many_requests", "")
		if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
			t.Fatalf("Retry-After = %q", ra)
		}
		if r := e.request("GET", "/api/v1/stats", e.read, ""); r.StatusCode != http.StatusOK {
			t.Fatalf("another key: %d", r.StatusCode)
		}
	})
}
