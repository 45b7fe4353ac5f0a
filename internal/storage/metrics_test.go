package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func TestOldestDueJob(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, q := context.Background(), db.Read()
		if _, ok, err := q.OldestDueJob(ctx, t0); ok || err != nil {
			t.Fatalf("empty queue: %v %v", ok, err)
		}
		enqueue(t, db, "later", "", t0.Add(time.Hour))
		enqueue(t, db, "due", "", t0.Add(-time.Minute))
		enqueue(t, db, "running", "", t0.Add(-time.Hour))
		if _, _, err := db.Write().ClaimJob(ctx, "w1", t0, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		runAt, ok, err := q.OldestDueJob(ctx, t0)
		if err != nil || !ok || !runAt.Equal(t0.Add(-time.Minute)) {
			t.Fatalf("oldest due = %v %v %v, want %v (the running job is not waiting)", runAt, ok, err, t0.Add(-time.Minute))
		}
		if stats := db.PoolStats(); len(stats) == 0 {
			t.Fatal("no pool stats")
		}
	})
}
