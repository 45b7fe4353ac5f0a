package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/demo"
	"github.com/referralhub/referralhub/internal/password"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// loadHub fills db with demo data whose hub has 10,000 direct referrals,
// every password being "password123".
func loadHub(t *testing.T, db *storage.DB) { loadHubTB(t, db) }

func loadHubTB(t testing.TB, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	hash, err := password.NewHasher(password.OWASP(), 1).Hash(ctx, "password123")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Generate(ctx, db, demo.Options{Users: demo.HubReferrals + 1, Now: time.Now(), PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
}

func (b *browser) login(login string) {
	b.t.Helper()
	if resp, _ := b.post("/login", url.Values{"login": {login}, "password": {"password123"}}); resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d", login, resp.StatusCode)
	}
}

// dashboardQueries loads the dashboard and returns how many statements it ran.
func dashboardQueries(t *testing.T, b *browser, path string) (int64, string) {
	t.Helper()
	before := b.site.db.QueryCount()
	resp, body := b.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return b.site.db.QueryCount() - before, body
}

// TestDashboardQueryCountIsFixed proves the dashboard runs the same number
// of queries for a user with 10,000 referrals as for a user with one.
func TestDashboardQueryCountIsFixed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		loadHub(t, db)
		one := s.browser(t)
		one.signup("onefriend")
		friend := s.browser(t)
		friend.get(strings.TrimPrefix(one.link(), s.srv.URL))
		friend.signup("thefriend")

		hub := s.browser(t)
		hub.login(demo.HubUsername)
		hubQueries, body := dashboardQueries(t, hub, "/")
		if got := stat(t, body, "stat-referrals"); got != "10000" {
			t.Fatalf("hub shows %s referrals, want 10000", got)
		}
		if got := stat(t, body, "stat-points"); got != "100000" {
			t.Fatalf("hub shows %s points, want 100000", got)
		}
		if n := strings.Count(body, `class="referral-row"`); n != 50 {
			t.Fatalf("hub dashboard lists %d referrals, want 50 to a page", n)
		}
		oneQueries, _ := dashboardQueries(t, one, "/")
		if hubQueries != oneQueries {
			t.Fatalf("first load: %d queries for 10,000 referrals and %d for one", hubQueries, oneQueries)
		}
		// Again, with the active network and the page cached for both.
		hubWarm, _ := dashboardQueries(t, hub, "/")
		oneWarm, _ := dashboardQueries(t, one, "/")
		if hubWarm != oneWarm {
			t.Fatalf("later loads: %d queries for 10,000 referrals and %d for one", hubWarm, oneWarm)
		}
		if _, body := dashboardQueries(t, hub, "/?page=200"); !strings.Contains(body, "Page 200 of 200") {
			t.Fatal("no last page")
		}
		t.Logf("%s: %d queries on a first dashboard load, %d later", db.Engine(), hubQueries, hubWarm)
	})
}

func TestReferralPagesSwapInPlaceWithHTMX(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		loadHub(t, db)
		hub := s.browser(t)
		hub.login(demo.HubUsername)
		req, _ := http.NewRequest("GET", s.srv.URL+"/?page=2", nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "referrals")
		resp, body := hub.do(req)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(body), `<section class="card" id="referrals">`) ||
			strings.Contains(body, "<html") || !strings.Contains(body, "Page 2 of 200") {
			t.Fatalf("htmx page: %d\n%.300s", resp.StatusCode, body)
		}
	})
}
