package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/core"
)

// TestServeForgetsACodeBannedElsewhere runs the real program, clicks a
// link so its code is cached, then bans the owner from another process
// over the same database: within a couple of seconds (serve checks the
// codes' version every second) the link stops attributing: it sends the
// visitor home with no attribution cookie, as for an unknown code.
func TestServeForgetsACodeBannedElsewhere(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		_, base := startProgram(t, getenv, listeningLine, "serve")
		code := signupAndGetCode(t, base)
		visitor := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		attributed := func() bool {
			resp, err := visitor.Get(base + "/r/" + code)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("click: %d, want 302", resp.StatusCode)
			}
			return strings.Contains(strings.Join(resp.Header.Values("Set-Cookie"), "\n"), "rh_ref=")
		}
		if !attributed() {
			t.Fatal("the click before the ban was not attributed")
		}
		ctx := context.Background()
		other := openTestApp(t, getenv)
		admin, err := other.svc.CreateUser(ctx, core.SignupInput{Email: "root@example.com", Username: "root", Password: "root-password", IsAdmin: true})
		if err != nil {
			t.Fatal(err)
		}
		owner, err := other.db.Read().CodeOwner(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := other.svc.Ban(ctx, admin, owner.ParticipantID, "test: banned on another instance"); err != nil {
			t.Fatal(err)
		}
		banned := time.Now()
		waitUntil(t, 5*time.Second, func() bool {
			time.Sleep(100 * time.Millisecond) // within the click rate limit of 120 a minute
			return !attributed()
		})
		t.Logf("the banned link stopped attributing after %s", time.Since(banned).Round(10*time.Millisecond))
	})
}
