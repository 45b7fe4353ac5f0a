package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// checked reports whether the page's checkbox with the id is checked.
func checked(t *testing.T, body, id string) bool {
	t.Helper()
	tag := regexp.MustCompile(`<input [^>]*id="` + id + `"[^>]*>`).FindString(body)
	if tag == "" {
		t.Fatalf("no checkbox %s on page", id)
	}
	return strings.Contains(tag, " checked")
}

// TestChangePassword needs the current password, keeps this session and
// ends the others.
func TestChangePassword(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice, phone := s.browser(t), s.browser(t)
		alice.signup("alice")
		phone.login("alice")

		resp, body := alice.post("/settings/password", url.Values{"current_password": {"wrong-guess-1"}, "new_password": {"fresh-pass-2"}})
		if resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `<p class="field-error" id="current_password-error">That is not your current password.</p>`) {
			t.Fatalf("wrong current password: %d\n%s", resp.StatusCode, body)
		}
		if strings.Contains(body, "wrong-guess-1") || strings.Contains(body, "fresh-pass-2") {
			t.Error("a password was echoed back")
		}
		resp, body = alice.post("/settings/password", url.Values{"current_password": {"password123"}, "new_password": {"short"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="new_password-error"`) {
			t.Fatalf("weak new password: %d", resp.StatusCode)
		}
		if !phone.signedIn() {
			t.Fatal("a refused change ended other sessions")
		}

		resp, _ = alice.post("/settings/password", url.Values{"current_password": {"password123"}, "new_password": {"fresh-pass-2"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?saved=password" {
			t.Fatalf("change: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body := alice.get("/settings?saved=password"); !strings.Contains(body, "Your password was changed") {
			t.Error("no confirmation after the change")
		}
		if !alice.signedIn() {
			t.Error("the change signed out the browser that made it")
		}
		if phone.signedIn() {
			t.Error("another session survived the change")
		}
		if resp, _ := s.browser(t).post("/login", url.Values{"login": {"alice"}, "password": {"password123"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("old password: %d", resp.StatusCode)
		}
		if resp, _ := s.browser(t).post("/login", url.Values{"login": {"alice"}, "password": {"fresh-pass-2"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("new password: %d", resp.StatusCode)
		}
	})
}

// TestChangeEmail needs the password; the new address is unverified and
// gets a verification mail.
func TestChangeEmail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		s.browser(t).signup("bob")
		alice.get(s.linkIn(t, s.lastMailTo(t, "alice@example.com", subjectVerify), "/verify-email?token="))
		if _, body := alice.get("/settings"); !strings.Contains(body, `id="email-status">verified<`) {
			t.Fatal("settings do not show the address verified")
		}

		resp, body := alice.post("/settings/email", url.Values{"email": {"alice@new.example"}, "password": {"not-it-123"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="alice@new.example"`) ||
			!strings.Contains(body, `id="email-password-error">That is not your current password.<`) || strings.Contains(body, "not-it-123") {
			t.Fatalf("wrong password: %d\n%s", resp.StatusCode, body)
		}
		resp, body = alice.post("/settings/email", url.Values{"email": {"bob@example.com"}, "password": {"password123"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="email-error">That email is already registered.<`) {
			t.Fatalf("taken address: %d", resp.StatusCode)
		}
		resp, _ = alice.post("/settings/email", url.Values{"email": {"alice@new.example"}, "password": {"password123"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?saved=email" {
			t.Fatalf("change: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = alice.get("/settings")
		if !strings.Contains(body, `id="current-email">alice@new.example<`) || !strings.Contains(body, `id="email-status">not verified<`) {
			t.Fatalf("settings after the change:\n%s", body)
		}
		if _, body := alice.get("/"); !strings.Contains(body, verifyNotice) {
			t.Error("the dashboard does not ask to verify the new address")
		}
		link := s.linkIn(t, s.lastMailTo(t, "alice@new.example", subjectVerify), "/verify-email?token=")
		if resp, _ := alice.get(link); resp.StatusCode != http.StatusOK {
			t.Fatalf("verify the new address: %d", resp.StatusCode)
		}
		if _, body := alice.get("/settings"); !strings.Contains(body, `id="email-status">verified<`) {
			t.Error("the new address is not verified by its link")
		}
	})
}

// TestNotificationChoicesPersist saves the checkboxes and shows them again.
func TestNotificationChoicesPersist(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		_, body := alice.get("/settings")
		for _, id := range []string{"pref-new-referral", "pref-reward-earned", "pref-reward-ready"} {
			if !checked(t, body, id) {
				t.Errorf("%s is off for a new user", id)
			}
		}
		resp, _ := alice.post("/settings/notifications", url.Values{"reward_ready": {"on"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?saved=notifications" {
			t.Fatalf("save: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = alice.get("/settings")
		if checked(t, body, "pref-new-referral") || checked(t, body, "pref-reward-earned") || !checked(t, body, "pref-reward-ready") {
			t.Error("the choices were not kept")
		}
		if resp, _ := s.browser(t).get("/settings"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Errorf("visitor: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := s.browser(t).post("/settings/notifications", url.Values{}); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != "/login" {
			t.Errorf("visitor post: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// referredSignup signs a new user up through referrer's link.
func referredSignup(t *testing.T, s *site, referrer *browser, username string) *browser {
	t.Helper()
	b := s.browser(t)
	b.get(strings.TrimPrefix(referrer.link(), s.srv.URL))
	b.signup(username)
	return b
}

// TestOptOutOfNewReferralMail turns the "new referral" mail off through
// the unsubscribe link of such a mail, and through the settings: the next
// referral mails nothing about it, while other mail still goes out.
func TestOptOutOfNewReferralMail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		referredSignup(t, s, alice, "bob")
		m := s.lastMailTo(t, "alice@example.com", subjectNewReferral)
		header := m.Headers["List-Unsubscribe"]
		if !strings.HasPrefix(header, "<"+s.srv.URL+"/unsubscribe?") || m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
			t.Fatalf("unsubscribe headers: %q", m.Headers)
		}
		link := s.linkIn(t, m, "/unsubscribe?")
		if link != strings.Trim(strings.TrimPrefix(header, "<"+s.srv.URL), "<>") {
			t.Fatalf("the mail's link %q differs from its header %q", link, header)
		}

		visitor := s.browser(t) // the mail may be opened anywhere
		resp, body := visitor.get(link)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "emails about new referrals") || !strings.Contains(body, `action="/unsubscribe"`) {
			t.Fatalf("unsubscribe form: %d\n%s", resp.StatusCode, body)
		}
		q := mustURL(link).Query()
		tampered := url.Values{"u": {q.Get("u")}, "k": {"reward_earned"}, "s": {q.Get("s")}}
		if resp, _ := visitor.post("/unsubscribe", tampered); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a signature for another kind: %d", resp.StatusCode)
		}
		resp, body = visitor.post("/unsubscribe", url.Values{"u": {q.Get("u")}, "k": {q.Get("k")}, "s": {q.Get("s")}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "You won't get these emails any more") || !strings.Contains(body, `href="/settings"`) {
			t.Fatalf("unsubscribe: %d\n%s", resp.StatusCode, body)
		}
		if _, body := alice.get("/settings"); checked(t, body, "pref-new-referral") || !checked(t, body, "pref-reward-earned") {
			t.Error("settings do not show new-referral mail off and the rest on")
		}

		earned := len(s.mailsTo("alice@example.com", subjectEarned))
		referredSignup(t, s, alice, "carol")
		s.runJobs(t)
		s.lastMailTo(t, "carol@example.com", subjectVerify)
		if n := len(s.mailsTo("alice@example.com", subjectNewReferral)); n != 1 {
			t.Errorf("alice got %d new-referral mails, want only the one before opting out", n)
		}
		if n := len(s.mailsTo("alice@example.com", subjectEarned)); n != earned+1 {
			t.Errorf("alice got %d reward mails for carol, want 1: only new-referral mail is off", n-earned)
		}

		// The same through the settings page.
		dave := s.browser(t)
		dave.signup("dave")
		resp, _ = dave.post("/settings/notifications", url.Values{"reward_earned": {"on"}, "reward_ready": {"on"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save settings: %d", resp.StatusCode)
		}
		referredSignup(t, s, dave, "erin")
		s.runJobs(t)
		s.lastMailTo(t, "erin@example.com", subjectVerify)
		s.lastMailTo(t, "dave@example.com", subjectEarned)
		if n := len(s.mailsTo("dave@example.com", subjectNewReferral)); n != 0 {
			t.Errorf("dave got %d new-referral mails after turning them off", n)
		}
	})
}

// TestOneClickUnsubscribe posts to the link itself, as mail clients do
// with List-Unsubscribe-Post.
func TestOneClickUnsubscribe(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		m := s.lastMailTo(t, "alice@example.com", subjectVerify)
		link := strings.Trim(m.Headers["List-Unsubscribe"], "<>")
		resp, body := s.browser(t).post(strings.TrimPrefix(link, s.srv.URL), url.Values{"List-Unsubscribe": {"One-Click"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "You won't get these emails any more") {
			t.Fatalf("one-click: %d\n%s", resp.StatusCode, body)
		}
		_, body = alice.get("/settings")
		if checked(t, body, "pref-new-referral") || checked(t, body, "pref-reward-earned") || checked(t, body, "pref-reward-ready") {
			t.Error("the verification mail's link (all notifications) left some on")
		}
		if resp, _ := s.browser(t).get("/unsubscribe"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("link without its values: %d", resp.StatusCode)
		}
		if resp, _ := s.browser(t).post("/unsubscribe?u=abc&k=all&s=x", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("bad user id: %d", resp.StatusCode)
		}
	})
}
