package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/mail/mailtest"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// Subjects of the mails the tests look for; the program is "Referral program".
const (
	subjectVerify      = "Confirm your email"
	subjectReset       = "Reset your"
	subjectNewReferral = "You have a new referral"
	subjectEarned      = "You earned a reward"
)

// mailTimeout bounds the wait for mail the jobs just sent.
const mailTimeout = 5 * time.Second

// mailsTo returns the mails delivered so far to addr whose subject starts
// with subject.
func (s *site) mailsTo(addr, subject string) []mailtest.Received {
	var out []mailtest.Received
	for _, m := range s.smtp.Messages() {
		if m.To == addr && strings.HasPrefix(m.Subject, subject) {
			out = append(out, m)
		}
	}
	return out
}

// lastMailTo runs the due jobs and returns the newest mail to addr with
// the subject, failing when there is none.
func (s *site) lastMailTo(t *testing.T, addr, subject string) mailtest.Received {
	t.Helper()
	s.runJobs(t)
	ms := s.mailsTo(addr, subject)
	if len(ms) == 0 {
		t.Fatalf("no %q mail to %s among %d mails", subject, addr, len(s.smtp.Messages()))
	}
	return ms[len(ms)-1]
}

// linkIn returns the path and query of the first link to path in a mail's
// text part.
func (s *site) linkIn(t *testing.T, m mailtest.Received, path string) string {
	t.Helper()
	link := regexp.MustCompile(regexp.QuoteMeta(s.srv.URL+path) + `\S*`).FindString(m.Text)
	if link == "" {
		t.Fatalf("no %s link in mail %q:\n%s", path, m.Subject, m.Text)
	}
	return strings.TrimPrefix(link, s.srv.URL)
}

// signedIn reports whether the browser's home page is the dashboard.
func (b *browser) signedIn() bool {
	b.t.Helper()
	_, body := b.get("/")
	return strings.Contains(body, `id="referral-link"`)
}

const verifyNotice = "Please verify your email address"

// TestEmailVerification follows the link of the signup mail, which works
// once and for 48 hours; a signed-in user can ask for a new link, at most
// once a minute.
func TestEmailVerification(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := &clockAt{t: time.Now()}
		s := newSiteAt(t, db, clock.now)
		alice, carol := s.browser(t), s.browser(t)
		alice.signup("alice")
		carol.signup("carol")
		if _, body := alice.get("/"); !strings.Contains(body, verifyNotice) || !strings.Contains(body, `action="/verify-email/resend"`) {
			t.Fatal("a new user's dashboard does not ask to verify the address")
		}
		s.runJobs(t)
		s.smtp.WaitFor(t, 2, mailTimeout)
		aliceLink := s.linkIn(t, s.lastMailTo(t, "alice@example.com", subjectVerify), "/verify-email?token=")
		carolLink := s.linkIn(t, s.lastMailTo(t, "carol@example.com", subjectVerify), "/verify-email?token=")

		// A link scanner or another browser, not signed in, may open it.
		resp, body := s.browser(t).get(aliceLink)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Your email address is confirmed") {
			t.Fatalf("verify: %d\n%s", resp.StatusCode, body)
		}
		if _, body := alice.get("/"); strings.Contains(body, verifyNotice) {
			t.Error("the dashboard still asks to verify a verified address")
		}
		resp, body = alice.get(aliceLink)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "expired or was already used") ||
			strings.Contains(body, `action="/verify-email/resend"`) {
			t.Errorf("second use: %d\n%s", resp.StatusCode, body)
		}

		clock.t = clock.t.Add(49 * time.Hour)
		resp, body = carol.get(carolLink)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "expired or was already used") ||
			!strings.Contains(body, `action="/verify-email/resend"`) {
			t.Fatalf("expired link: %d\n%s", resp.StatusCode, body)
		}
		if _, body := carol.get("/"); !strings.Contains(body, verifyNotice) {
			t.Error("an expired link verified the address")
		}

		resp, _ = carol.post("/verify-email/resend", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?saved=verification" {
			t.Fatalf("resend: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		fresh := s.linkIn(t, s.lastMailTo(t, "carol@example.com", subjectVerify), "/verify-email?token=")
		if fresh == carolLink {
			t.Fatal("the resent mail has the old link")
		}
		resp, body = carol.post("/verify-email/resend", nil)
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, `id="resend-wait" role="alert">We just sent you an email. Wait a minute`) ||
			!strings.Contains(body, `id="current-email"`) {
			t.Fatalf("quick second resend, not told inline on the settings page: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := carol.get(fresh); resp.StatusCode != http.StatusOK {
			t.Fatalf("resent link: %d", resp.StatusCode)
		}
		if _, body := carol.get("/"); strings.Contains(body, verifyNotice) {
			t.Error("the resent link did not verify the address")
		}
		resp, body = alice.post("/verify-email/resend", nil)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "already verified") {
			t.Errorf("resend when verified: %d", resp.StatusCode)
		}
		if resp, _ := s.browser(t).post("/verify-email/resend", url.Values{}); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != "/login" {
			t.Errorf("visitor resend: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}
