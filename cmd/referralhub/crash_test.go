package main

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// TestCrashLosesNoClickNorAttribution clicks alice's link 20 times and
// kills the server (SIGKILL: no flush) a moment later. Every click was in
// the spool, handed to the operating system as it came, so the restarted
// server stores all 20; bob, who clicked too, signs up on it and is
// alice's referral, through his cookie.
func TestCrashLosesNoClickNorAttribution(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		first, base := startProgram(t, getenv, listeningLine, "serve")
		noFollow := func(c *http.Client) *http.Client {
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			return c
		}
		code := signupAndGetCode(t, base) // alice's
		bobJar, _ := cookiejar.New(nil)
		bob := noFollow(&http.Client{Jar: bobJar})
		const clicks = 20
		for i := range clicks {
			c := noFollow(&http.Client{})
			if i == 0 {
				c = bob
			}
			if resp, err := c.Get(base + "/r/" + code); err != nil || resp.StatusCode != http.StatusFound {
				t.Fatalf("click %d: %v %v", i, resp, err)
			}
		}
		time.Sleep(100 * time.Millisecond) // the journal takes a click within microseconds: leave it ample time
		if err := first.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		first.Wait()

		_, base2 := startProgram(t, getenv, listeningLine, "serve")
		// Cookies ignore ports: bob's browser sends his attribution cookie
		// to the restarted server on its new port.
		resp, err := bob.PostForm(base2+"/signup", url.Values{"email": {"b@example.com"}, "username": {"bob"}, "password": {"password123"}})
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("bob's signup after the crash: %v %v", resp, err)
		}
		db, err := storage.Open(context.Background(), getenv("REFERRALHUB_DATABASE_URL"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx := context.Background()
		owner, err := db.Read().CodeOwner(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.Read().Participant(ctx, owner.ParticipantID)
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); p.ClickCount < clicks && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if p, err = db.Read().Participant(ctx, owner.ParticipantID); err != nil {
				t.Fatal(err)
			}
		}
		if p.ClickCount != clicks || p.ReferralCount != 1 {
			t.Fatalf("after the crash alice has %d clicks (want all %d) and %d referrals (want bob)", p.ClickCount, clicks, p.ReferralCount)
		}
		bobUser, _, err := db.Read().UserForLogin(ctx, "bob")
		if err != nil {
			t.Fatal(err)
		}
		to, err := db.Read().RecipientByUser(ctx, bobUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ref, err := db.Read().ReferralOf(ctx, to.ParticipantID); err != nil || ref.ClickID == "" {
			t.Fatalf("bob's referral = %+v, %v: want it tied to his click, flushed or not", ref, err)
		}
	})
}
