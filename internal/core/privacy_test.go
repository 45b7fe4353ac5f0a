package core_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// privacyRules reward both sides of a signup and the referrer for each
// purchase, so a deletion has reasons on both sides to anonymise.
func privacyRules(t *testing.T, f *fixture) {
	f.setRules(t, 0,
		referralhub.Rule{Trigger: referralhub.EventSignup,
			Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 10},
			Referee:  &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 5}},
		referralhub.Rule{Trigger: referralhub.EventPurchase, Referrer: credit(500)})
}

// reasonsOf lists a member's ledger reasons, newest first.
func reasonsOf(t *testing.T, f *fixture, m member) []string {
	t.Helper()
	var out []string
	for _, r := range f.rewards(t, m).Rewards {
		out = append(out, r.Reason)
	}
	return out
}

// TestDeleteAccountKeepsEveryoneElseWhole deletes bob, who was referred by
// alice and referred carol: their counts, lists, balances and ledgers stay,
// the reasons that named him name "a deleted user", and he is nowhere in
// the database.
func TestDeleteAccountKeepsEveryoneElseWhole(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		privacyRules(t, f)
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bobwhite", &alice)
		carol := f.join(t, "carol", &bob)
		f.purchase(t, bob, "order-1", 5000)
		refund := core.EventInput{ParticipantID: bob.p.ID, Name: referralhub.EventRefund, Key: "refund-1",
			Amount: 5000, Currency: "usd", PurchaseKey: "order-1"}
		if _, _, err := f.svc.RecordEvent(ctx, refund); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RequestPasswordReset(ctx, "BobWhite@example.com"); err != nil {
			t.Fatal(err)
		}
		if err := f.clicks.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		aliceBefore, carolBefore := f.rewards(t, alice).Balances, f.rewards(t, carol).Balances
		storagetest.AssertSomewhere(t, db, "bobwhite")

		err := f.svc.DeleteAccount(ctx, bob.user, "password123", false)
		if referralhub.ErrorFields(err)["confirm"] == "" {
			t.Fatalf("unconfirmed: err = %v", err)
		}
		err = f.svc.DeleteAccount(ctx, bob.user, "wrong-password", true)
		if referralhub.ErrorCode(err) != referralhub.EINVALID || referralhub.ErrorFields(err)["current_password"] == "" {
			t.Fatalf("wrong password: err = %v", err)
		}
		if _, _, err := f.svc.Authenticate(ctx, bob.sess.Token); err != nil {
			t.Fatalf("a refused deletion ended the session: %v", err)
		}
		if err := f.svc.DeleteAccount(ctx, bob.user, "password123", true); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t) // bob's queued mails find nobody and are dropped

		d, err := f.svc.Dashboard(ctx, f.participant(t, alice.sess), 1)
		if err != nil || d.Stats.Referrals != 1 || d.Points != 10 || len(d.Referrals) != 1 || d.Referrals[0].Username != "" {
			t.Errorf("alice's dashboard = %+v, %v", d, err)
		}
		if got := f.rewards(t, alice).Balances; fmt.Sprint(got) != fmt.Sprint(aliceBefore) {
			t.Errorf("alice's balances %v, were %v", got, aliceBefore)
		}
		if got := f.rewards(t, carol).Balances; fmt.Sprint(got) != fmt.Sprint(carolBefore) {
			t.Errorf("carol's balances %v, were %v", got, carolBefore)
		}
		wantAlice := "[Reversed: a deleted user's purchase (refunded) a deleted user's purchase a deleted user signed up]"
		if got := fmt.Sprint(reasonsOf(t, f, alice)); got != wantAlice {
			t.Errorf("alice's reasons = %s, want %s", got, wantAlice)
		}
		if got := fmt.Sprint(reasonsOf(t, f, carol)); got != "[You signed up through a deleted user's link]" {
			t.Errorf("carol's reasons = %s", got)
		}
		tomb, err := db.Read().Participant(ctx, bob.p.ID)
		if err != nil || tomb.UserID != 0 || tomb.ReferralCount != 1 || tomb.Code == bob.p.Code {
			t.Errorf("bob's participant = %+v, %v; want an anonymous tombstone", tomb, err)
		}
		if res, err := f.svc.Click(ctx, bob.p.Code, core.Visit{IP: "192.0.2.1"}); err != nil || res.Attributed || f.svc.KnownCode(ctx, bob.p.Code) {
			t.Errorf("bob's link still works: %+v, %v", res, err)
		}
		if _, _, err := f.svc.Login(ctx, "bobwhite", "password123"); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Errorf("bob logs in: %v", err)
		}
		if _, _, err := f.svc.Authenticate(ctx, bob.sess.Token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Errorf("bob's session survived: %v", err)
		}
		storagetest.AssertNowhere(t, db, "bobwhite")
	})
}

// TestDeleteAnOrganicAccount deletes someone nobody referred; a second
// attempt finds nobody.
func TestDeleteAnOrganicAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		solo := f.join(t, "solowhite", nil)
		if err := f.svc.DeleteAccount(ctx, solo.user, "password123", true); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.DeleteAccount(ctx, solo.user, "password123", true); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("second deletion: err = %v", err)
		}
		f.runJobs(t)
		storagetest.AssertNowhere(t, db, "solowhite")
	})
}

// hexRun is what every hash ReferralHub stores looks like: session and
// token hashes (64 hex digits) and IP hashes (32).
var hexRun = regexp.MustCompile(`[0-9a-f]{32,}`)

// TestExportHasTheDataAndNoSecrets exports bob's data: his account, link,
// referrer, referrals, events, ledger and clicks, and none of his secrets.
func TestExportHasTheDataAndNoSecrets(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		privacyRules(t, f)
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bobwhite", &alice)
		f.join(t, "carol", &bob)
		f.purchase(t, bob, "order-7", 1234)
		if err := f.svc.SetNotificationPrefs(ctx, bob.user, referralhub.NotificationPrefs{NewReferral: true}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetBilling(ctx, bob.p.ID, referralhub.PlanPaid, "cus_bob"); err != nil {
			t.Fatal(err)
		}
		// Two clicks on bob's link (carol's and one more), the first reduced
		// to its day's count by retention.
		f.svc.Click(ctx, bob.p.Code, core.Visit{IP: "192.0.2.44"})
		if err := f.clicks.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(181 * 24 * time.Hour)
		if n, err := f.svc.ReduceOldClicks(ctx); err != nil || n != 3 {
			t.Fatalf("reduced %d, %v; want the 3 clicks so far", n, err)
		}
		f.svc.Click(ctx, bob.p.Code, core.Visit{IP: "192.0.2.45"})
		if err := f.clicks.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		session := loginAs(t, f, "bobwhite")
		u, p, err := f.svc.Authenticate(ctx, session.Token)
		if err != nil {
			t.Fatal(err)
		}
		e, err := f.svc.Export(ctx, u, p)
		if err != nil {
			t.Fatal(err)
		}
		body, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		doc := string(body)
		for _, want := range []string{
			`"email":"bobwhite@example.com"`, `"username":"bobwhite"`, `"plan":"paid"`, `"stripe_customer_id":"cus_bob"`,
			`"notifications":{"new_referral":true,"reward_earned":false,"reward_ready":false,"achievement":false}`,
			`"code":"` + bob.p.Code + `"`, `"link":"http://refer.example.com/r/` + bob.p.Code + `"`,
			`"referred_by":{"username":"alice"`, `"referrals":[{"username":"carol"`,
			`"name":"purchase","key":"order-7","amount":1234,"currency":"usd"`, `"name":"signup"`,
			`"reason":"You signed up through alice's link"`, `"reason":"carol signed up"`, `"what":"5 points"`,
			`"kind":"points","available":15`,
			`"clicks":{"total":3,"daily":[{"day":"2026-11-01","clicks":2},{"day":"2027-05-01","clicks":1}]}`,
		} {
			if !strings.Contains(doc, want) {
				t.Errorf("export lacks %s", want)
			}
		}
		st, err := db.Read().LoginStateOf(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(session.Token))
		for _, secret := range []string{st.PasswordHash, "argon2", hex.EncodeToString(sum[:]), session.Token, "192.0.2", "ip_hash"} {
			if strings.Contains(doc, secret) {
				t.Errorf("export holds a secret: %q", secret)
			}
		}
		if h := hexRun.FindString(doc); h != "" {
			t.Errorf("export holds something shaped like a hash: %s", h)
		}
	})
}

// TestReduceOldClicksFollowsTheRetention keeps clicks for the retention
// period, then reduces them; the count the dashboard shows does not move.
func TestReduceOldClicksFollowsTheRetention(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		for range 3 {
			f.svc.Click(ctx, alice.p.Code, core.Visit{IP: "192.0.2.1"})
		}
		if err := f.clicks.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(core.DefaultSettings().ClickRetention - time.Minute)
		if n, err := f.svc.ReduceOldClicks(ctx); err != nil || n != 0 {
			t.Fatalf("within the retention: reduced %d, %v", n, err)
		}
		f.clock.Advance(2 * time.Minute)
		if n, err := f.svc.ReduceOldClicks(ctx); err != nil || n != 3 {
			t.Fatalf("past the retention: reduced %d, %v", n, err)
		}
		if p, err := db.Read().Participant(ctx, alice.p.ID); err != nil || p.ClickCount != 3 {
			t.Errorf("click_count = %d, %v; want 3", p.ClickCount, err)
		}
	})
}

// loginAs logs a user in with the fixtures' password.
func loginAs(t *testing.T, f *fixture, name string) core.Session {
	t.Helper()
	_, s, err := f.svc.Login(context.Background(), name, "password123")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
