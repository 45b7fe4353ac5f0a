package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestIdempotencyRecords claims a key once, keeps its response, lets an
// expired or abandoned one be taken again, releases one that failed, and
// deletes old ones in bounded batches.
func TestIdempotencyRecords(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := db.Write()
		key := referralhub.APIKey{Name: "k", Scope: "write", Hint: "h", CreatedAt: t0}
		if err := w.CreateAPIKey(ctx, &key, "hash", 0); err != nil {
			t.Fatal(err)
		}
		k := referralhub.IdempotencyKey{APIKeyID: key.ID, Route: "POST /api/v1/events", Key: "order-1"}
		claim := func(k referralhub.IdempotencyKey, hash string, at time.Time) bool {
			t.Helper()
			ok, err := w.ClaimIdempotencyKey(ctx, k, hash, at)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !claim(k, "h1", t0) || claim(k, "h1", t0) || claim(k, "h2", t0) {
			t.Fatal("a key was claimed twice, or not at all")
		}
		other := k
		other.Route = "POST /api/v1/participants"
		if !claim(other, "h1", t0) {
			t.Fatal("the same key on another route is another record")
		}
		if rec, err := w.IdempotencyRecordOf(ctx, k); err != nil || rec.Status != 0 || rec.RequestHash != "h1" {
			t.Fatalf("in progress = %+v, %v", rec, err)
		}
		taken, err := w.RetakeIdempotencyKey(ctx, k, "h1", t0.Add(time.Minute), t0.Add(-time.Hour), t0.Add(-time.Minute))
		if err != nil || taken {
			t.Fatalf("a fresh request in progress was taken over: %v %v", taken, err)
		}
		taken, err = w.RetakeIdempotencyKey(ctx, k, "h2", t0.Add(10*time.Minute), t0.Add(-time.Hour), t0.Add(5*time.Minute))
		if err != nil || taken {
			t.Fatalf("an abandoned request was taken over with another body: %v %v", taken, err)
		}
		taken, err = w.RetakeIdempotencyKey(ctx, k, "h1", t0.Add(10*time.Minute), t0.Add(-time.Hour), t0.Add(5*time.Minute))
		if err != nil || !taken {
			t.Fatalf("an abandoned request was not taken over: %v %v", taken, err)
		}
		if err := w.CompleteIdempotencyKey(ctx, k, 201, []byte(`{"id":1}`)); err != nil {
			t.Fatal(err)
		}
		rec, err := w.IdempotencyRecordOf(ctx, k)
		if err != nil || rec.Status != 201 || string(rec.Response) != `{"id":1}` || !rec.CreatedAt.Equal(t0.Add(10*time.Minute)) {
			t.Fatalf("completed = %+v, %v", rec, err)
		}
		taken, err = w.RetakeIdempotencyKey(ctx, k, "h9", t0.Add(25*time.Hour), t0.Add(time.Hour), t0.Add(24*time.Hour))
		if err != nil || !taken {
			t.Fatalf("an expired record was not taken: %v %v", taken, err)
		}
		if err := w.ReleaseIdempotencyKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		if _, err := w.IdempotencyRecordOf(ctx, k); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("released key still there: %v", err)
		}
		for i := range 5 {
			claim(referralhub.IdempotencyKey{APIKeyID: key.ID, Route: "r", Key: string(rune('a' + i))}, "h", t0.Add(time.Duration(i)*time.Second))
		}
		n, err := w.DeleteIdempotencyBefore(ctx, t0.Add(3*time.Second), 2)
		n2, err2 := w.DeleteIdempotencyBefore(ctx, t0.Add(3*time.Second), 2)
		if err != nil || err2 != nil || n != 2 || n2 != 2 {
			t.Fatalf("deleted %d then %d (%v %v), want 2 and 2 (other is from t0 too)", n, n2, err, err2)
		}
		if _, err := w.IdempotencyRecordOf(ctx, referralhub.IdempotencyKey{APIKeyID: key.ID, Route: "r", Key: "d"}); err != nil {
			t.Fatalf("a record younger than the cutoff went: %v", err)
		}
	})
}
