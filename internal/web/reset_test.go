package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestResetRequestRevealsNoAccount answers a known and an unknown address
// alike; only a malformed address is sent back.
func TestResetRequestRevealsNoAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		s.browser(t).signup("alice")
		s.runJobs(t)
		visitor := s.browser(t)
		if _, body := visitor.get("/login"); !strings.Contains(body, `<a href="/password-reset" id="forgot-password">Forgot your password?</a>`) {
			t.Error("the login page has no way to reset a password")
		}
		known, knownBody := visitor.post("/password-reset", url.Values{"email": {"alice@example.com"}})
		unknown, unknownBody := visitor.post("/password-reset", url.Values{"email": {"nobody@example.com"}})
		if known.StatusCode != http.StatusSeeOther || known.StatusCode != unknown.StatusCode || knownBody != unknownBody ||
			known.Header.Get("Location") != unknown.Header.Get("Location") {
			t.Fatalf("known: %d %q %q; unknown: %d %q %q", known.StatusCode, known.Header.Get("Location"), knownBody,
				unknown.StatusCode, unknown.Header.Get("Location"), unknownBody)
		}
		resp, body := visitor.get(known.Header.Get("Location"))
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "If an account uses that address, we've emailed a link") {
			t.Fatalf("answer page: %d\n%s", resp.StatusCode, body)
		}
		s.runJobs(t)
		s.lastMailTo(t, "alice@example.com", subjectReset)
		if n := len(s.smtp.Messages()); n != 2 {
			t.Errorf("%d mails, want alice's verification and reset only", n)
		}

		resp, body = visitor.post("/password-reset", url.Values{"email": {"not an address"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="not an address"`) ||
			!strings.Contains(body, `id="email-error"`) {
			t.Fatalf("malformed address: %d\n%s", resp.StatusCode, body)
		}
	})
}

// TestPasswordReset follows the mailed link: it sets a new password once,
// signs this browser in, ends every other session and expires after 1h.
func TestPasswordReset(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := &clockAt{t: time.Now()}
		s := newSiteAt(t, db, clock.now)
		alice, laptop := s.browser(t), s.browser(t)
		alice.signup("alice")
		laptop.login("alice")
		visitor := s.browser(t)
		visitor.post("/password-reset", url.Values{"email": {"alice@example.com"}})
		link := s.linkIn(t, s.lastMailTo(t, "alice@example.com", subjectReset), "/password-reset/confirm?token=")
		token := mustURL(link).Query().Get("token")

		resp, body := visitor.get(link)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `<input type="hidden" name="token" value="`+token+`">`) {
			t.Fatalf("reset form: %d\n%s", resp.StatusCode, body)
		}
		resp, body = visitor.post("/password-reset/confirm", url.Values{"token": {token}, "password": {"short"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="password-error"`) ||
			!strings.Contains(body, `value="`+token+`"`) || strings.Contains(body, `value="short"`) {
			t.Fatalf("weak password: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = visitor.post("/password-reset/confirm", url.Values{"token": {token}, "password": {"a-new-secret-1"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || visitor.cookie("rh_session") == nil {
			t.Fatalf("reset: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body := visitor.get("/"); !strings.Contains(body, "Hi alice") {
			t.Fatal("the reset did not sign the browser in")
		}
		if alice.signedIn() || laptop.signedIn() {
			t.Error("sessions from before the reset survived it")
		}
		if resp, _ := s.browser(t).post("/login", url.Values{"login": {"alice"}, "password": {"password123"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("old password: %d", resp.StatusCode)
		}
		if resp, _ := s.browser(t).post("/login", url.Values{"login": {"alice"}, "password": {"a-new-secret-1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("new password: %d", resp.StatusCode)
		}
		resp, body = s.browser(t).post("/password-reset/confirm", url.Values{"token": {token}, "password": {"another-secret-2"}})
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "expired or was already used") || !strings.Contains(body, `href="/password-reset"`) {
			t.Fatalf("second use: %d\n%s", resp.StatusCode, body)
		}
		// A used, bogus or empty link says so at once, with no password form.
		for _, l := range []string{link, "/password-reset/confirm?token=bogus", "/password-reset/confirm"} {
			resp, body = s.browser(t).get(l)
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `id="reset-expired"`) ||
				strings.Contains(body, `name="password"`) || !strings.Contains(body, `href="/password-reset"`) {
				t.Fatalf("GET %s: %d\n%s", l, resp.StatusCode, body)
			}
		}

		clock.t = clock.t.Add(2 * time.Minute) // past the resend limit
		visitor.post("/password-reset", url.Values{"email": {"alice@example.com"}})
		late := s.linkIn(t, s.lastMailTo(t, "alice@example.com", subjectReset), "/password-reset/confirm?token=")
		if late == link {
			t.Fatal("no new reset mail for a second request")
		}
		clock.t = clock.t.Add(61 * time.Minute)
		if resp, body := visitor.get(late); resp.StatusCode != http.StatusNotFound || strings.Contains(body, `name="password"`) {
			t.Fatalf("GET a link after an hour: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = visitor.post("/password-reset/confirm", url.Values{"token": {mustURL(late).Query().Get("token")}, "password": {"too-late-pass-3"}})
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("link used after an hour: %d", resp.StatusCode)
		}
		if resp, _ := s.browser(t).post("/login", url.Values{"login": {"alice"}, "password": {"too-late-pass-3"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("an expired link set the password: %d", resp.StatusCode)
		}
	})
}
