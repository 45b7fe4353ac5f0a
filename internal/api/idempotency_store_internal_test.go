package api

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestIdempotentRequests runs a request once per key: a repeat gets the
// first response, another body is refused, a running first request blocks
// a second, a server error frees the key, and a key is forgotten after a
// day or taken over once its request was abandoned.
func TestIdempotentRequests(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := &testClock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
		k := referralhub.APIKey{Name: "k", Scope: "write", Hint: "h", CreatedAt: clock.Now()}
		if err := db.Write().CreateAPIKey(ctx, &k, "hash", 0); err != nil {
			t.Fatal(err)
		}
		idem := idempotency{store: db.Write(), now: clock.Now}
		key := referralhub.IdempotencyKey{APIKeyID: k.ID, Route: "POST /api/v1/events", Key: "order-1"}
		begin := func(body string) (*storedResponse, error) {
			return idem.begin(ctx, key, []byte(body))
		}
		if resp, err := begin(`{"a":1}`); resp != nil || err != nil {
			t.Fatalf("first = %+v, %v", resp, err)
		}
		if _, err := begin(`{"a":1}`); err != errIdempotencyKeyInUse {
			t.Fatalf("while running: %v", err)
		}
		if err := idem.finish(ctx, key, storedResponse{Status: 201, Body: []byte(`{"id":7}`)}); err != nil {
			t.Fatal(err)
		}
		if resp, err := begin(`{"a":1}`); err != nil || resp == nil || resp.Status != 201 || string(resp.Body) != `{"id":7}` {
			t.Fatalf("replay = %+v, %v", resp, err)
		}
		if _, err := begin(`{"a":2}`); err != errIdempotencyKeyReused || referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("another body: %v", err)
		}
		for _, bad := range []string{"", "has space", strings.Repeat("k", 256), "ключ"} {
			bk := key
			bk.Key = bad
			if _, err := idem.begin(ctx, bk, nil); referralhub.ErrorFields(err)["Idempotency-Key"] == "" {
				t.Errorf("key %q: %v", bad, err)
			}
		}
		failed := key
		failed.Key = "order-2"
		begin2 := func() (*storedResponse, error) { return idem.begin(ctx, failed, []byte("x")) }
		begin2()
		idem.finish(ctx, failed, storedResponse{Status: 500, Body: []byte("oops")})
		if resp, err := begin2(); resp != nil || err != nil {
			t.Fatalf("after a server error the key is not free: %+v %v", resp, err)
		}
		clock.Advance(6 * time.Minute) // the retry died without an answer
		if resp, err := begin2(); resp != nil || err != nil {
			t.Fatalf("an abandoned request was not taken over: %+v %v", resp, err)
		}
		clock.Advance(25 * time.Hour) // core's PruneIdempotency test counts what goes then
		if resp, err := begin(`{"a":2}`); resp != nil || err != nil {
			t.Fatalf("a day-old key was not forgotten: %+v %v", resp, err)
		}
		gone := key // the client went away: its answer (499) was never read
		gone.Key = "order-3"
		if resp, err := idem.begin(ctx, gone, []byte("y")); resp != nil || err != nil {
			t.Fatalf("begin order-3: %+v %v", resp, err)
		}
		idem.finish(ctx, gone, storedResponse{Status: statusClientGone})
		if resp, err := idem.begin(ctx, gone, []byte("y")); resp != nil || err != nil {
			t.Fatalf("after the client went away the key is not free: %+v %v", resp, err)
		}
	})
}
