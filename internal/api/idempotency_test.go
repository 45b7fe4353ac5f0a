package api_test

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestIdempotencyReplayAndConflict repeats creating POSTs with an
// Idempotency-Key: the same body gets the first response again, marked
// replayed, and changes nothing more; another body gets 409; the key is
// per route and per API key.
func TestIdempotencyReplayAndConflict(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		body := `{"external_id":"ann","email":"ann@example.com"}`
		first := e.post("/api/v1/participants", body, "Idempotency-Key", "create-ann")
		if first.StatusCode != http.StatusCreated || first.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first: %d %v %s", first.StatusCode, first.Header, first.body)
		}
		e.participant(`{"external_id":"ann","name":"Ann"}`, http.StatusOK) // changes it meanwhile
		again := e.post("/api/v1/participants", body, "Idempotency-Key", "create-ann")
		if again.StatusCode != http.StatusCreated || again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.body, first.body) {
			t.Fatalf("replay: %d %q\n%s\nwant\n%s", again.StatusCode, again.Header.Get("Idempotent-Replayed"), again.body, first.body)
		}
		e.post("/api/v1/participants", `{"external_id":"bob"}`, "Idempotency-Key", "create-ann").
			wantError(t, http.StatusConflict, "idempotency_key_reused", "Idempotency-Key")

		purchase := `{"participant":"ext:ann","type":"purchase","amount":500,"currency":"usd","idempotency_key":"order-1"}`
		ev := e.post("/api/v1/events", purchase, "Idempotency-Key", "create-ann") // another route: its own record
		if ev.StatusCode != http.StatusCreated {
			t.Fatalf("event: %d %s", ev.StatusCode, ev.body)
		}
		other := e.newKey("other", "write")
		if r := e.request("POST", "/api/v1/participants", other, `{"external_id":"carol"}`, "Idempotency-Key", "create-ann"); r.StatusCode != http.StatusCreated {
			t.Fatalf("another API key's Idempotency-Key: %d %s", r.StatusCode, r.body)
		}
		before, _ := e.svc.ProgramStats(ctx)
		if r := e.post("/api/v1/events", purchase, "Idempotency-Key", "create-ann"); !bytes.Equal(r.body, ev.body) || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("event replay: %s", r.body)
		}
		if r := e.post("/api/v1/participants", body, "Idempotency-Key", "create-ann"); r.StatusCode != http.StatusCreated {
			t.Fatalf("replay after other requests: %d", r.StatusCode)
		}
		after, _ := e.svc.ProgramStats(ctx)
		if after.Participants != before.Participants || after.Participants != 3 {
			t.Fatalf("participants %d then %d, want 3 (root, ann, carol)", before.Participants, after.Participants)
		}
		var failed apiError
		e.post("/api/v1/events", `{"participant":"ext:zed","type":"visit","idempotency_key":"v"}`, "Idempotency-Key", "k2").
			decode(t, http.StatusNotFound, &failed)
		if r := e.post("/api/v1/events", `{"participant":"ext:zed","type":"visit","idempotency_key":"v"}`, "Idempotency-Key", "k2"); r.StatusCode != http.StatusNotFound ||
			r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("a client error is kept and replayed too: %d %v", r.StatusCode, r.Header)
		}
	})
}

// TestConcurrentRequestsWithOneKeyRunOnce sends the same creating request
// with one Idempotency-Key from many clients at once: exactly one runs;
// the others are refused while it runs, or get its response replayed.
func TestConcurrentRequestsWithOneKeyRunOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		e.participant(`{"external_id":"ann"}`, http.StatusCreated)
		body := `{"participant":"ext:ann","type":"visit","idempotency_key":"visit-1"}`
		const n = 12
		results := make([]response, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { results[i] = e.post("/api/v1/events", body, "Idempotency-Key", "same") })
		}
		wg.Wait()
		ran, replayed, refused := 0, 0, 0
		var first []byte
		for _, r := range results {
			switch {
			case r.StatusCode == http.StatusCreated && r.Header.Get("Idempotent-Replayed") == "":
				ran++
				first = r.body
			case r.StatusCode == http.StatusCreated:
				replayed++
			case r.StatusCode == http.StatusConflict && bytes.Contains(r.body, []byte("idempotency_key_in_use")):
				refused++
			default:
				t.Errorf("unexpected answer %d %s", r.StatusCode, r.body)
			}
		}
		if ran != 1 || ran+replayed+refused != n {
			t.Fatalf("ran %d, replayed %d, refused %d", ran, replayed, refused)
		}
		for _, r := range results {
			if r.StatusCode == http.StatusCreated && !bytes.Equal(r.body, first) {
				t.Errorf("a replay differs from the first response:\n%s\n%s", r.body, first)
			}
		}
	})
}
