package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// FuzzVerifyAttribution feeds arbitrary cookie values to the attribution
// parser: it must never panic, and a value that verifies (one the service
// signed: fuzzing runs in several processes, each signing its own) is
// refused after any one-byte change.
func FuzzVerifyAttribution(f *testing.F) {
	fx := newFixtureFor(f, storagetest.Open(f, "sqlite"))
	ctx := context.Background()
	u, _, err := fx.svc.Signup(ctx, core.SignupInput{Email: "alice@example.com", Username: "alice", Password: "password123"})
	if err != nil {
		f.Fatal(err)
	}
	res, err := fx.svc.Click(ctx, fx.codeOf(f, u.ID), core.Visit{IP: "192.0.2.1", UserAgent: "fuzz"})
	if err != nil || !res.Attributed {
		f.Fatal(res, err)
	}
	valid := res.Cookie
	for _, s := range []string{valid, "", ".", "a.b.c.d", strings.Repeat(".", 50), valid + "x", "abcd1234.click.0.sig"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		a, ok := fx.svc.VerifyAttribution(ctx, value)
		if !ok {
			return
		}
		if core.NormalizeCode(a.Code) != a.Code || a.ClickID == "" {
			t.Fatalf("verified a malformed attribution: %q -> %+v", value, a)
		}
		for i := range len(value) {
			tampered := []byte(value)
			tampered[i] ^= 0x01
			if _, ok := fx.svc.VerifyAttribution(ctx, string(tampered)); ok {
				t.Fatalf("a changed byte %d still verifies: %q", i, tampered)
			}
		}
	})
}
