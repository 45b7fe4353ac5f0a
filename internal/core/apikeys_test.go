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

// TestIdempotentRequests runs a request once per key: a repeat gets the
// first response, another body is refused, a running first request blocks
// a second, a server error frees the key, and a key is forgotten after a
// day or taken over once its request was abandoned.
func TestIdempotentRequests(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		k, err := f.svc.CreateAPIKeyFromCommandLine(ctx, "k", core.ScopeWrite)
		if err != nil {
			t.Fatal(err)
		}
		key := referralhub.IdempotencyKey{APIKeyID: k.ID, Route: "POST /api/v1/events", Key: "order-1"}
		begin := func(body string) (*core.StoredResponse, error) {
			return f.svc.BeginIdempotent(ctx, key, []byte(body))
		}
		if resp, err := begin(`{"a":1}`); resp != nil || err != nil {
			t.Fatalf("first = %+v, %v", resp, err)
		}
		if _, err := begin(`{"a":1}`); err != core.ErrIdempotencyKeyInUse {
			t.Fatalf("while running: %v", err)
		}
		if err := f.svc.FinishIdempotent(ctx, key, core.StoredResponse{Status: 201, Body: []byte(`{"id":7}`)}); err != nil {
			t.Fatal(err)
		}
		if resp, err := begin(`{"a":1}`); err != nil || resp == nil || resp.Status != 201 || string(resp.Body) != `{"id":7}` {
			t.Fatalf("replay = %+v, %v", resp, err)
		}
		if _, err := begin(`{"a":2}`); err != core.ErrIdempotencyKeyReused || referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("another body: %v", err)
		}
		for _, bad := range []string{"", "has space", strings.Repeat("k", 256), "ключ"} {
			bk := key
			bk.Key = bad
			if _, err := f.svc.BeginIdempotent(ctx, bk, nil); referralhub.ErrorFields(err)["Idempotency-Key"] == "" {
				t.Errorf("key %q: %v", bad, err)
			}
		}
		failed := key
		failed.Key = "order-2"
		begin2 := func() (*core.StoredResponse, error) { return f.svc.BeginIdempotent(ctx, failed, []byte("x")) }
		begin2()
		f.svc.FinishIdempotent(ctx, failed, core.StoredResponse{Status: 500, Body: []byte("oops")})
		if resp, err := begin2(); resp != nil || err != nil {
			t.Fatalf("after a server error the key is not free: %+v %v", resp, err)
		}
		f.clock.Advance(6 * time.Minute) // the retry died without an answer
		if resp, err := begin2(); resp != nil || err != nil {
			t.Fatalf("an abandoned request was not taken over: %+v %v", resp, err)
		}
		f.clock.Advance(25 * time.Hour)
		if n, err := f.svc.PruneIdempotency(ctx); err != nil || n != 2 {
			t.Fatalf("pruned %d, %v; want both records", n, err)
		}
		if resp, err := begin(`{"a":2}`); resp != nil || err != nil {
			t.Fatalf("a day-old key was not forgotten: %+v %v", resp, err)
		}
		gone := key // the client went away: its answer (499) was never read
		gone.Key = "order-3"
		if resp, err := f.svc.BeginIdempotent(ctx, gone, []byte("y")); resp != nil || err != nil {
			t.Fatalf("begin order-3: %+v %v", resp, err)
		}
		f.svc.FinishIdempotent(ctx, gone, core.StoredResponse{Status: core.StatusClientGone})
		if resp, err := f.svc.BeginIdempotent(ctx, gone, []byte("y")); resp != nil || err != nil {
			t.Fatalf("after the client went away the key is not free: %+v %v", resp, err)
		}
	})
}
