package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestDashboardShowsEachChangeOnTheNextLoad: the dashboard's share card
// and page of referrals are rendered once and reused, and each change to
// what they show is on the very next load: a new referral, new share
// messages, and a referred friend who deleted their account.
func TestDashboardShowsEachChangeOnTheNextLoad(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		link := alice.link()
		_, first := alice.get("/")
		if !strings.Contains(first, "No referrals yet.") || stat(t, first, "stat-referrals") != "0" {
			t.Fatalf("first load:\n%s", first)
		}
		alice.get("/") // served from the rendered pieces

		bob := s.browser(t)
		bob.get(strings.TrimPrefix(link, s.srv.URL))
		bob.signup("bobwhite")
		if _, body := alice.get("/"); !strings.Contains(body, `<tr class="referral-row"><td>bobwhite</td>`) || stat(t, body, "stat-referrals") != "1" {
			t.Fatalf("after bob's signup:\n%s", body)
		}

		admin := adminBrowser(t, s)
		if resp, body := admin.postBranding(acmeBranding(), nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save branding: %d\n%s", resp.StatusCode, body)
		}
		if _, body := alice.get("/"); !strings.Contains(body, "text=alice%20says%3A%20try%20Acme") {
			t.Fatalf("the share card kept the old messages:\n%s", body)
		}

		resp, _ := bob.post("/settings/delete", url.Values{"password": {"password123"}, "confirm": {"yes"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete bob: %d", resp.StatusCode)
		}
		s.runJobs(t)
		if _, body := alice.get("/"); strings.Contains(body, "bobwhite") || !strings.Contains(body, "a deleted user") {
			t.Fatalf("after bob deleted his account:\n%s", body)
		}
	})
}
