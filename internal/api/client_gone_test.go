package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/api"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestClientGoneIsNotAnError sends an event whose client has already gone
// (its context ends before the key is even checked): the answer is
// recorded as 499 and nothing is logged as an error. That a 499 leaves an
// Idempotency-Key free is TestIdempotentRequests' part.
func TestClientGoneIsNotAnError(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, storagetest.Open(t, engine))
			var logged bytes.Buffer
			h := api.New(api.Config{Idempotency: e.db.Write()}, e.svc, slog.New(slog.NewTextHandler(&logged, nil)))
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			r := httptest.NewRequestWithContext(ctx, "POST", "/api/v1/events",
				strings.NewReader(`{"participant":1,"type":"purchase","amount":100,"currency":"USD","idempotency_key":"gone-1"}`))
			r.Header.Set("Authorization", "Bearer "+e.write)
			r.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != 499 || rec.Body.Len() != 0 {
				t.Errorf("answer = %d %q, want 499 and no body", rec.Code, rec.Body)
			}
			if strings.Contains(logged.String(), "level=ERROR") {
				t.Errorf("logged as an error:\n%s", logged.String())
			}
		})
	}
}
