package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestDatabaseOutageAnswers503: with the database really unreachable (a
// closed port in front of PostgreSQL, a closed SQLite database), every
// page that needs it answers 503 with Retry-After and a page that says so,
// never a 500; a referral link still redirects with its cookie, and
// /readyz?scope=clicks says so while /readyz does not; on PostgreSQL the
// site serves again by itself once the server is back.
func TestDatabaseOutageAnswers503(t *testing.T) {
	storagetest.EachOutage(t, func(t *testing.T, o *storagetest.Outage) {
		s := newSite(t, o.DB)
		alice := s.browser(t)
		alice.signup("alice")
		link := alice.link()
		visitor := s.browser(t)
		if resp, _ := visitor.get(strings.TrimPrefix(link, s.srv.URL)); resp.StatusCode != http.StatusFound {
			t.Fatalf("click before the outage: %d", resp.StatusCode)
		}
		s.flushClicks(t)

		o.Begin()
		anonymous := s.browser(t)
		pages := []struct {
			who  *browser
			name string
			send func(*browser) (*http.Response, string)
		}{
			{alice, "dashboard", func(b *browser) (*http.Response, string) { return b.get("/") }},
			{alice, "leaderboard", func(b *browser) (*http.Response, string) { return b.get("/leaderboard") }},
			{alice, "rewards", func(b *browser) (*http.Response, string) { return b.get("/rewards") }},
			{anonymous, "signup", func(b *browser) (*http.Response, string) {
				return b.post("/signup", url.Values{"email": {"bob@example.com"}, "username": {"bob"}, "password": {"password123"}})
			}},
			{anonymous, "login", func(b *browser) (*http.Response, string) {
				return b.post("/login", url.Values{"login": {"alice"}, "password": {"password123"}})
			}},
		}
		for _, p := range pages {
			resp, body := p.send(p.who)
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
				!strings.Contains(body, "cannot reach its database") {
				t.Errorf("%s during the outage: %d, Retry-After %q\n%.600s", p.name, resp.StatusCode, resp.Header.Get("Retry-After"), body)
			}
		}
		resp, _ := s.browser(t).get(strings.TrimPrefix(link, s.srv.URL))
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/signup" {
			t.Errorf("a referral link during the outage: %d to %q, want 302 to /signup", resp.StatusCode, resp.Header.Get("Location"))
		}
		// The load balancer takes the instance out for everything but /r/*.
		if resp, body := anonymous.get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz during the outage: %d %q", resp.StatusCode, body)
		}
		if resp, body := anonymous.get("/readyz?scope=clicks"); resp.StatusCode != http.StatusOK || body != "ready\n" {
			t.Errorf("/readyz?scope=clicks during the outage: %d %q, want 200: links still work", resp.StatusCode, body)
		}

		if !o.End(t) { // SQLite: the closed database cannot take the click
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			s.clicks.Close(ctx)
			return
		}
		s.flushClicks(t)
		if resp, body := alice.get("/"); resp.StatusCode != http.StatusOK {
			t.Fatalf("dashboard after the outage: %d\n%.600s", resp.StatusCode, body)
		}
	})
}
