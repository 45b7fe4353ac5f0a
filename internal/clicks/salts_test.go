package clicks_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestInstancesShareTheStoredSalts runs two hashers over one database, as
// two instances: B hashes like A without making a salt of its own, and
// B's Ensure keeps the salts A made.
func TestInstancesShareTheStoredSalts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
		a := clicks.NewIPHasher(24*time.Hour, clicks.StoredSalts(db, time.Now))
		b := clicks.NewIPHasher(24*time.Hour, clicks.StoredSalts(db, time.Now))
		if a.Hash(ctx, "192.0.2.1", at) != "" {
			t.Fatal("hashed before any salt was made")
		}
		if err := a.Ensure(ctx, at); err != nil {
			t.Fatal(err)
		}
		now, next := a.Hash(ctx, "192.0.2.1", at), a.Hash(ctx, "192.0.2.1", at.Add(24*time.Hour))
		if now == "" || next == "" || now == next {
			t.Fatalf("A's hashes now %q and next period %q", now, next)
		}
		if got := b.Hash(ctx, "192.0.2.1", at); got != now {
			t.Fatalf("B hashed %q, A %q: the salt is not shared", got, now)
		}
		if err := b.Ensure(ctx, at); err != nil {
			t.Fatal(err)
		}
		if b.Hash(ctx, "192.0.2.1", at) != now || b.Hash(ctx, "192.0.2.1", at.Add(24*time.Hour)) != next {
			t.Fatal("B's Ensure replaced a salt A had made")
		}
	})
}
