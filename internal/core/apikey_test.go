package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestAPIKeysLifecycle makes keys as an admin and from the command line,
// authenticates with them, records their use at most once a minute, and
// revokes one: it stops working at once, and both steps are audited.
func TestAPIKeysLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		boss := f.admin(t)
		u, _ := f.signup(t, "alice", "")
		if _, err := f.svc.CreateAPIKey(ctx, u, "mine", core.ScopeWrite); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("a user made a key: %v", err)
		}
		for _, bad := range []struct{ name, scope, field string }{{"", "read", "name"}, {strings.Repeat("x", 101), "read", "name"},
			{"a\nb", "read", "name"}, {"ok", "admin", "scope"}} {
			if _, err := f.svc.CreateAPIKey(ctx, boss, bad.name, bad.scope); referralhub.ErrorFields(err)[bad.field] == "" {
				t.Errorf("%q/%q: %v, want a %s error", bad.name, bad.scope, err, bad.field)
			}
		}
		k, err := f.svc.CreateAPIKey(ctx, boss, " shop backend ", core.ScopeWrite)
		if err != nil || k.Name != "shop backend" || !strings.HasPrefix(k.Secret, "rhk_") || len(k.Secret) != 56 ||
			!strings.HasPrefix(k.Secret, k.Hint) || k.Hint == k.Secret {
			t.Fatalf("key = %+v, %v", k, err)
		}
		if hits, err := db.FindText(ctx, k.Secret); err != nil || len(hits) != 0 {
			t.Fatalf("the key itself is stored: %v %v", hits, err)
		}
		cli, err := f.svc.CreateAPIKeyFromCommandLine(ctx, "cron", core.ScopeRead)
		if err != nil || cli.Secret == k.Secret {
			t.Fatal(err)
		}
		got, err := f.svc.AuthenticateAPIKey(ctx, k.Secret)
		if err != nil || got.ID != k.ID || got.Scope != core.ScopeWrite || core.CheckScope(got, core.ScopeWrite) != nil {
			t.Fatalf("authenticate = %+v, %v", got, err)
		}
		read, _ := f.svc.AuthenticateAPIKey(ctx, cli.Secret)
		if err := core.CheckScope(read, core.ScopeWrite); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN || core.CheckScope(read, core.ScopeRead) != nil {
			t.Fatalf("read key writing: %v", err)
		}
		other := "X" // the last character changed, whatever it was
		if strings.HasSuffix(k.Secret, other) {
			other = "Y"
		}
		for _, bad := range []string{"", "rhk_", "Bearer " + k.Secret, k.Secret[:55] + other, strings.ToLower(k.Secret)} {
			if _, err := f.svc.AuthenticateAPIKey(ctx, bad); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
				t.Errorf("%q: %v, want unauthorized", bad, err)
			}
		}
		used := func() time.Time {
			t.Helper()
			keys, err := f.svc.APIKeys(ctx, boss)
			if err != nil || len(keys) != 2 {
				t.Fatalf("keys = %+v, %v", keys, err)
			}
			return keys[1].LastUsedAt
		}
		first := f.clock.Now()
		f.clock.Advance(30 * time.Second)
		f.svc.AuthenticateAPIKey(ctx, k.Secret)
		if !used().Equal(first) {
			t.Fatalf("last use %v rewritten within a minute of %v", used(), first)
		}
		f.clock.Advance(31 * time.Second)
		f.svc.AuthenticateAPIKey(ctx, k.Secret)
		if !used().Equal(f.clock.Now()) {
			t.Fatalf("last use %v not written after a minute", used())
		}
		if err := f.svc.RevokeAPIKey(ctx, u, k.ID); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("a user revoked a key: %v", err)
		}
		if err := f.svc.RevokeAPIKey(ctx, boss, k.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RevokeAPIKey(ctx, boss, k.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if err := f.svc.RevokeAPIKey(ctx, boss, 999); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("revoking nothing: %v", err)
		}
		if _, err := f.svc.AuthenticateAPIKey(ctx, k.Secret); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Fatalf("a revoked key works: %v", err)
		}
		log, err := f.svc.AuditLog(ctx, boss, "api_key.", 1)
		if err != nil || len(log) != 3 || log[0].Action != "api_key.revoke" || log[0].Actor != "boss" || log[0].Detail != "shop backend" ||
			log[1].Action != "api_key.create" || log[1].Actor != "" || !strings.Contains(log[1].Detail, "command line") ||
			log[2].Detail != "shop backend (write)" || log[2].Subject != "api key 1" {
			t.Fatalf("audit = %+v, %v", log, err)
		}
	})
}

// TestVerifiedKeysAreTrustedBriefly: a key verified once is not read
// again for 2 seconds, so a revocation made elsewhere (another instance,
// here the storage directly) stops it within those 2 seconds; one revoked
// through this service stops at once.
func TestVerifiedKeysAreTrustedBriefly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		k, err := f.svc.CreateAPIKeyFromCommandLine(ctx, "shop", core.ScopeWrite)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateAPIKey(ctx, k.Secret); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Write().RevokeAPIKey(ctx, k.ID, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(1900 * time.Millisecond)
		if _, err := f.svc.AuthenticateAPIKey(ctx, k.Secret); err != nil {
			t.Fatalf("within 2 seconds of its check: %v", err)
		}
		f.clock.Advance(100 * time.Millisecond)
		if _, err := f.svc.AuthenticateAPIKey(ctx, k.Secret); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Fatalf("a key revoked elsewhere works after 2 seconds: %v", err)
		}

		boss := f.admin(t)
		other, err := f.svc.CreateAPIKeyFromCommandLine(ctx, "other", core.ScopeWrite)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateAPIKey(ctx, other.Secret); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RevokeAPIKey(ctx, boss, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateAPIKey(ctx, other.Secret); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Fatalf("a key revoked here works: %v", err)
		}
	})
}

// TestPruneIdempotency deletes the idempotency records older than a day,
// however many, and keeps younger ones. (Claiming and replaying keys is
// the API's part: see internal/api's TestIdempotentRequests.)
func TestPruneIdempotency(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		k, err := f.svc.CreateAPIKeyFromCommandLine(ctx, "k", core.ScopeWrite)
		if err != nil {
			t.Fatal(err)
		}
		claim := func(name string) {
			t.Helper()
			key := referralhub.IdempotencyKey{APIKeyID: k.ID, Route: "POST /api/v1/events", Key: name}
			if ok, err := db.Write().ClaimIdempotencyKey(ctx, key, "hash", f.clock.Now()); !ok || err != nil {
				t.Fatalf("claim %s: %v %v", name, ok, err)
			}
		}
		claim("order-1")
		claim("order-2")
		f.clock.Advance(25 * time.Hour)
		claim("order-3")
		if n, err := f.svc.PruneIdempotency(ctx); err != nil || n != 2 {
			t.Fatalf("pruned %d, %v; want both day-old records", n, err)
		}
		if n, err := f.svc.PruneIdempotency(ctx); err != nil || n != 0 {
			t.Fatalf("pruned %d more, %v; the young record must stay", n, err)
		}
	})
}
