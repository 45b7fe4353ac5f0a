package core_test

import (
	"context"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/mail/mailtest"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

var linkPattern = regexp.MustCompile(`http://refer\.example\.com/[a-z/-]+\?[^\s"<>]+`)

// mailTo returns the messages to addr whose text contains want.
func mailTo(msgs []mailtest.Received, addr, subjectPart string) []mailtest.Received {
	var out []mailtest.Received
	for _, m := range msgs {
		if m.To == addr && regexp.MustCompile("(?i)"+regexp.QuoteMeta(subjectPart)).MatchString(m.Subject) {
			out = append(out, m)
		}
	}
	return out
}

// tokenIn returns the token of the first link to path in a mail's text.
func tokenIn(t *testing.T, m mailtest.Received, path string) string {
	t.Helper()
	for _, l := range linkPattern.FindAllString(m.Text, -1) {
		u, err := url.Parse(l)
		if err == nil && u.Path == path {
			return u.Query().Get("token")
		}
	}
	t.Fatalf("no %s link in:\n%s", path, m.Text)
	return ""
}

func TestVerificationMailVerifiesOnceAndRewards(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if _, err := f.svc.ApplyPreset(ctx, f.admin(t), core.PresetDropbox); err != nil {
			t.Fatal(err)
		}
		alice := f.join(t, "alice", nil)
		bob := f.join(t, "bob", &alice)
		f.runJobs(t)
		got := mailTo(f.smtp.Messages(), "bob@example.com", "confirm your email")
		if len(got) != 1 || got[0].HTML == "" || got[0].Headers["List-Unsubscribe"] == "" {
			t.Fatalf("verification mails to bob: %+v", got)
		}
		token := tokenIn(t, got[0], "/verify-email")
		if err := f.svc.VerifyEmail(ctx, token); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.VerifyEmail(ctx, token); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("second use: %v", err)
		}
		u, _, _ := f.svc.Authenticate(ctx, bob.sess.Token)
		if u.EmailVerifiedAt.IsZero() {
			t.Fatal("bob is not verified")
		}
		for _, m := range []member{alice, bob} {
			if b := balance(f.rewards(t, m), referralhub.KindPoints, ""); b.Available != 500 {
				t.Fatalf("%s after verification: %+v", m.user.Username, b)
			}
		}
		if err := f.svc.ResendVerification(ctx, u); referralhub.ErrorCode(err) != referralhub.EINVALID {
			t.Fatalf("resend to a verified address: %v", err)
		}
	})
}

func TestVerificationLinkExpires(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.join(t, "carol", nil)
		f.runJobs(t)
		token := tokenIn(t, f.smtp.WaitFor(t, 1, 5*time.Second)[0], "/verify-email")
		f.clock.Advance(49 * time.Hour)
		if err := f.svc.VerifyEmail(context.Background(), token); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("expired link: %v", err)
		}
	})
}

func TestOptingOutStopsTheNotification(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		f.join(t, "bob", &alice)
		f.runJobs(t)
		first := mailTo(f.smtp.Messages(), "alice@example.com", "new referral")
		if len(first) != 1 {
			t.Fatalf("new-referral mails to alice: %d", len(first))
		}
		unsub, err := url.Parse(first[0].Headers["List-Unsubscribe"][1 : len(first[0].Headers["List-Unsubscribe"])-1])
		if err != nil {
			t.Fatal(err)
		}
		q := unsub.Query()
		if err := f.svc.Unsubscribe(ctx, alice.user.ID, q.Get("k"), "forged"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("forged signature: %v", err)
		}
		if err := f.svc.Unsubscribe(ctx, alice.user.ID, q.Get("k"), q.Get("s")); err != nil {
			t.Fatal(err)
		}
		f.join(t, "carol", &alice)
		f.runJobs(t)
		if got := mailTo(f.smtp.Messages(), "alice@example.com", "new referral"); len(got) != 1 {
			t.Fatalf("alice opted out but got %d new-referral mails", len(got))
		}
		if got := mailTo(f.smtp.Messages(), "carol@example.com", "confirm your email"); len(got) != 1 {
			t.Fatal("carol's verification mail did not go out")
		}
		prefs, _ := f.svc.NotificationPrefs(ctx, alice.user)
		if prefs.NewReferral || !prefs.RewardEarned {
			t.Fatalf("prefs = %+v", prefs)
		}
	})
}

func TestPasswordResetWorksOnceExpiresAndEndsSessions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		f.runJobs(t)
		if err := f.svc.RequestPasswordReset(ctx, "nobody@example.com"); err != nil {
			t.Fatalf("unknown address must answer the same: %v", err)
		}
		if err := f.svc.RequestPasswordReset(ctx, "ALICE@example.com"); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t)
		resets := mailTo(f.smtp.Messages(), "alice@example.com", "password")
		if len(resets) != 1 || len(f.smtp.Messages()) != 2 {
			t.Fatalf("reset mails: %d of %d", len(resets), len(f.smtp.Messages()))
		}
		token := tokenIn(t, resets[0], "/password-reset/confirm")
		if _, _, err := f.svc.ResetPassword(ctx, token, "short"); referralhub.ErrorFields(err)["password"] == "" {
			t.Fatalf("weak password: %v", err)
		}
		u, sess, err := f.svc.ResetPassword(ctx, token, "brand new password")
		if err != nil || u.ID != alice.user.ID || sess.Token == "" {
			t.Fatal(u, err)
		}
		if _, _, err := f.svc.Authenticate(ctx, alice.sess.Token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Fatalf("the old session survived the reset: %v", err)
		}
		if _, _, err := f.svc.ResetPassword(ctx, token, "another password"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("second use: %v", err)
		}
		if _, _, err := f.svc.Login(ctx, "alice", "brand new password"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(2 * time.Minute)
		if err := f.svc.RequestPasswordReset(ctx, "alice@example.com"); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t)
		resets = mailTo(f.smtp.Messages(), "alice@example.com", "password")
		late := tokenIn(t, resets[len(resets)-1], "/password-reset/confirm")
		f.clock.Advance(61 * time.Minute)
		if _, _, err := f.svc.ResetPassword(ctx, late, "too late password"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("expired link: %v", err)
		}
	})
}

func TestChangePasswordAndEmail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.join(t, "alice", nil)
		f.runJobs(t) // the signup's verification mail goes to the old address
		_, other, err := f.svc.Login(ctx, "alice", "password123")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ChangePassword(ctx, alice.user, alice.sess.Token, "wrong", "new password 1"); referralhub.ErrorFields(err)["current_password"] == "" {
			t.Fatalf("wrong current password: %v", err)
		}
		if err := f.svc.ChangePassword(ctx, alice.user, alice.sess.Token, "password123", "new password 1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Authenticate(ctx, other.Token); err == nil {
			t.Fatal("the other session survived")
		}
		if _, _, err := f.svc.Authenticate(ctx, alice.sess.Token); err != nil {
			t.Fatal("this session ended:", err)
		}
		for range 5 { // the login lockout's threshold
			f.svc.ChangePassword(ctx, alice.user, alice.sess.Token, "guess", "new password 2")
		}
		if err := f.svc.ChangePassword(ctx, alice.user, alice.sess.Token, "new password 1", "new password 2"); referralhub.ErrorCode(err) != referralhub.ETOOMANY {
			t.Fatalf("guessing the current password is not limited: %v", err)
		}
		f.clock.Advance(16 * time.Minute)
		f.join(t, "bob", nil)
		if err := f.svc.ChangeEmail(ctx, alice.user, "new password 1", "BOB@example.com"); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("taking bob's address: %v", err)
		}
		if err := f.svc.ChangeEmail(ctx, alice.user, "new password 1", "alice@new.example.com"); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t)
		if got := mailTo(f.smtp.Messages(), "alice@new.example.com", "confirm your email"); len(got) != 1 {
			t.Fatalf("no verification to the new address: %+v", f.smtp.Messages())
		}
	})
}
