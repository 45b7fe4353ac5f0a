package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestReferralLoop is the whole core loop over real HTTP: A signs up, a
// visitor follows A's link, sees "Referred by" A and signs up, and A's
// dashboard shows the referral, 10 points and 1 click.
func TestReferralLoop(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		link := alice.link()
		if !strings.HasPrefix(link, s.srv.URL+"/r/") {
			t.Fatalf("link %q is not built from the base URL", link)
		}

		friend := s.browser(t)
		resp, _ := friend.get(strings.TrimPrefix(link, s.srv.URL))
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/signup" {
			t.Fatalf("click: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		ref := friend.cookie("rh_ref")
		if ref == nil || !strings.Contains(resp.Header.Get("Set-Cookie"), "HttpOnly") || !strings.Contains(resp.Header.Get("Set-Cookie"), "SameSite=Lax") {
			t.Fatalf("attribution cookie missing or not HttpOnly/SameSite: %q", resp.Header.Get("Set-Cookie"))
		}
		if _, body := friend.get("/signup"); !strings.Contains(body, "<strong>alice</strong> invited you to") {
			t.Fatalf("signup page does not say who referred:\n%s", body)
		}
		friend.signup("bob")
		if friend.cookie("rh_ref") != nil {
			t.Error("attribution cookie kept after signup")
		}

		s.flushClicks(t)
		_, body := alice.get("/")
		for id, want := range map[string]string{"stat-referrals": "1", "stat-points": "10", "stat-clicks": "1", "stat-active": "1"} {
			if got := stat(t, body, id); got != want {
				t.Errorf("%s = %s, want %s", id, got, want)
			}
		}
		if !strings.Contains(body, "<td>bob</td>") {
			t.Errorf("dashboard does not list bob")
		}
	})
}

func TestSessionRotatesAtLoginAndLogoutDestroysIt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		b := s.browser(t)
		b.signup("alice")
		first := b.cookie("rh_session").Value
		resp, _ := b.post("/login", url.Values{"login": {"ALICE"}, "password": {"password123"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		second := b.cookie("rh_session").Value
		if second == first {
			t.Fatal("session id did not rotate at login")
		}
		// The old session is gone: reusing it shows the landing page.
		old := s.browser(t)
		old.c.Jar.SetCookies(mustURL(s.srv.URL), []*http.Cookie{{Name: "rh_session", Value: first}})
		if _, body := old.get("/"); strings.Contains(body, "referral-link") {
			t.Fatal("old session still signed in after login rotated it")
		}
		b.post("/logout", nil)
		if _, body := b.get("/"); strings.Contains(body, "referral-link") {
			t.Fatal("still signed in after logout")
		}
		again := s.browser(t)
		again.c.Jar.SetCookies(mustURL(s.srv.URL), []*http.Cookie{{Name: "rh_session", Value: second}})
		if _, body := again.get("/"); strings.Contains(body, "referral-link") {
			t.Fatal("logged-out session still works")
		}
	})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestLastClickBeforeSignupWins(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice, bob := s.browser(t), s.browser(t)
		alice.signup("alice")
		bob.signup("bob")
		friend := s.browser(t)
		friend.get(strings.TrimPrefix(alice.link(), s.srv.URL))
		friend.get(strings.TrimPrefix(bob.link(), s.srv.URL))
		if _, body := friend.get("/signup"); !strings.Contains(body, "<strong>bob</strong> invited you to") {
			t.Fatal("signup page does not name the last referrer")
		}
		friend.signup("carol")
		if a, b := referrals(t, alice), referrals(t, bob); a != "0" || b != "1" {
			t.Fatalf("alice has %s referrals and bob %s; the last click should win", a, b)
		}
	})
}

func TestDashboardSharesTheLink(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		link := alice.link()
		_, body := alice.get("/")
		escaped := url.QueryEscape(link)
		for _, want := range []string{
			"https://x.com/intent/tweet?text=Join%20me%20and%20we%20both%20get%20rewarded%3A%20" + escaped,
			"https://www.facebook.com/sharer/sharer.php?u=" + escaped,
			"https://www.linkedin.com/feed/?shareActive=true&text=Join%20me%20and%20we%20both%20get%20rewarded%3A%20" + escaped,
			"https://wa.me/?text=", "mailto:?subject=",
			`<svg class="qr"`, `id="copy-link"`, `readonly`,
		} {
			if !strings.Contains(body, strings.ReplaceAll(want, "&", "&amp;")) && !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		if strings.Contains(body, "cdn.") || strings.Contains(body, "src=\"http") {
			t.Error("dashboard loads something from another host")
		}
	})
}
