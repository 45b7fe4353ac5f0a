package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestAPIKeysStoreOnlyAHash creates, finds, lists, touches and revokes
// keys: a key is found by its hash, its creator is named, its last use is
// written only once per gap, and a revoked key stays listed.
func TestAPIKeysStoreOnlyAHash(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		admin, _ := mustUser(t, db, "root")
		w := db.Write()
		k := referralhub.APIKey{Name: "shop", Scope: "write", Hint: "rhk_ABCDEFGH", CreatedAt: t0}
		if err := w.CreateAPIKey(ctx, &k, "hash-1", admin.ID); err != nil || k.ID == 0 {
			t.Fatalf("create: %+v %v", k, err)
		}
		cli := referralhub.APIKey{Name: "cron", Scope: "read", Hint: "rhk_ZZZZZZZZ", CreatedAt: t0.Add(time.Second)}
		if err := w.CreateAPIKey(ctx, &cli, "hash-2", 0); err != nil {
			t.Fatal(err)
		}
		got, err := db.Read().APIKeyByHash(ctx, "hash-1")
		if err != nil || got.ID != k.ID || got.Name != "shop" || got.Scope != "write" || got.CreatedBy != "root" ||
			!got.CreatedAt.Equal(t0) || !got.LastUsedAt.IsZero() || !got.RevokedAt.IsZero() {
			t.Fatalf("by hash = %+v, %v", got, err)
		}
		if _, err := db.Read().APIKeyByHash(ctx, "rhk_ABCDEFGH"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("found by something other than its hash: %v", err)
		}
		if err := w.TouchAPIKey(ctx, k.ID, t0.Add(time.Hour), t0.Add(time.Hour-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := w.TouchAPIKey(ctx, k.ID, t0.Add(time.Hour+30*time.Second), t0.Add(time.Hour-30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.APIKey(ctx, k.ID); !got.LastUsedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("last use = %v: a touch within the gap was written", got.LastUsedAt)
		}
		revoked, err := w.RevokeAPIKey(ctx, k.ID, t0.Add(2*time.Hour))
		again, err2 := w.RevokeAPIKey(ctx, k.ID, t0.Add(3*time.Hour))
		if err != nil || err2 != nil || !revoked || again {
			t.Fatalf("revoke = %v %v, again = %v %v", revoked, err, again, err2)
		}
		keys, err := db.Read().APIKeys(ctx, 10)
		if err != nil || len(keys) != 2 || keys[0].ID != cli.ID || keys[0].CreatedBy != "" ||
			keys[1].ID != k.ID || !keys[1].RevokedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("list = %+v, %v", keys, err)
		}
		if _, err := w.APIKey(ctx, 999); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("missing key: %v", err)
		}
	})
}
