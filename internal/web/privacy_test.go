package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// referredPair signs alice up, then bob (named name) through her link.
func referredPair(t *testing.T, s *site, name string) (alice, bob *browser) {
	t.Helper()
	alice, bob = s.browser(t), s.browser(t)
	alice.signup("alice")
	bob.get(strings.TrimPrefix(alice.link(), s.srv.URL))
	bob.signup(name)
	s.flushClicks(t)
	return alice, bob
}

// TestSettingsExportDownloadsJSON gives a signed-in user their data as a
// JSON attachment, and sends a visitor to log in.
func TestSettingsExportDownloadsJSON(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		if resp, _ := s.browser(t).get("/settings/export"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("visitor: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		alice, bob := referredPair(t, s, "bobwhite")
		if _, body := bob.get("/settings"); !strings.Contains(body, `href="/settings/export"`) || !strings.Contains(body, `href="/settings/delete"`) {
			t.Error("the settings page does not link to export and delete")
		}
		resp, body := bob.get("/settings/export")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
			resp.Header.Get("Content-Disposition") != `attachment; filename="referralhub-export.json"` {
			t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
		}
		var doc struct {
			Account struct {
				Email, Username string
			}
			Referral struct {
				Link       string
				ReferredBy struct{ Username string } `json:"referred_by"`
			}
			Rewards []struct{ Reason string }
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("export is not JSON: %v\n%s", err, body)
		}
		if doc.Account.Email != "bobwhite@example.com" || doc.Account.Username != "bobwhite" ||
			doc.Referral.ReferredBy.Username != "alice" || !strings.HasPrefix(doc.Referral.Link, s.srv.URL+"/r/") {
			t.Errorf("export = %+v", doc)
		}
		if _, body := alice.get("/settings/export"); !strings.Contains(body, `"reason": "bobwhite signed up"`) {
			t.Errorf("alice's export lacks her reward:\n%s", body)
		}
	})
}

// TestSettingsDelete deletes bob, whom alice referred: his form errors are
// 422s, the deletion signs him out, alice's count, list and points stay,
// his link and login are dead, and he is nowhere in the database.
func TestSettingsDelete(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		visitor := s.browser(t)
		getResp, _ := visitor.get("/settings/delete")
		postResp, _ := visitor.post("/settings/delete", url.Values{"password": {"x"}})
		for _, resp := range []*http.Response{getResp, postResp} {
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
				t.Fatalf("visitor: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		alice, bob := referredPair(t, s, "bobwhite")
		bobLink := strings.TrimPrefix(bob.link(), s.srv.URL)
		bob.post("/password-reset", url.Values{"email": {"bobwhite@example.com"}})
		s.runJobs(t)
		_, body := alice.get("/")
		if stat(t, body, "stat-referrals") != "1" || stat(t, body, "stat-points") != "10" || !strings.Contains(body, "<td>bobwhite</td>") {
			t.Fatalf("alice's dashboard before:\n%s", body)
		}

		if resp, body := bob.get("/settings/delete"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="/settings/delete"`) {
			t.Fatalf("form: %d", resp.StatusCode)
		}
		resp, body := bob.post("/settings/delete", url.Values{"password": {"not-my-pass"}, "confirm": {"yes"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(body, "not-my-pass") ||
			!strings.Contains(body, `id="password-error">That is not your current password.<`) {
			t.Fatalf("wrong password: %d\n%s", resp.StatusCode, body)
		}
		resp, body = bob.post("/settings/delete", url.Values{"password": {"password123"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="confirm-error"`) {
			t.Fatalf("no confirmation: %d\n%s", resp.StatusCode, body)
		}
		if !bob.signedIn() {
			t.Fatal("a refused deletion signed bob out")
		}
		resp, _ = bob.post("/settings/delete", url.Values{"password": {"password123"}, "confirm": {"yes"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || !clearsSession(resp) {
			t.Fatalf("delete: %d to %q, cookies %v", resp.StatusCode, resp.Header.Get("Location"), resp.Cookies())
		}
		s.runJobs(t)

		if bob.signedIn() {
			t.Error("bob is still signed in")
		}
		if resp, _ := s.browser(t).post("/login", url.Values{"login": {"bobwhite"}, "password": {"password123"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("bob logs in: %d", resp.StatusCode)
		}
		var before, after int
		if err := countClicks(db, &before); err != nil {
			t.Fatal(err)
		}
		if resp, _ := s.browser(t).get(bobLink); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/signup?link=unknown" {
			t.Errorf("bob's link: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		s.flushClicks(t)
		if err := countClicks(db, &after); err != nil || after != before {
			t.Errorf("bob's dead link recorded a click: %d then %d, %v", before, after, err)
		}

		_, body = alice.get("/")
		if stat(t, body, "stat-referrals") != "1" || stat(t, body, "stat-points") != "10" ||
			!strings.Contains(body, `<td><span class="muted">a deleted user</span></td>`) || strings.Contains(body, "bobwhite") {
			t.Errorf("alice's dashboard after:\n%s", body)
		}
		if _, body := alice.get("/rewards"); !strings.Contains(body, "a deleted user signed up") || strings.Contains(body, "bobwhite") {
			t.Errorf("alice's rewards after:\n%s", body)
		}
		assertLedgerAgrees(t, s, alice, 10)
		if _, body := adminBrowser(t, s).get("/admin"); strings.Contains(body, "bobwhite") {
			t.Error("the admin list still shows bob")
		}
		storagetest.AssertNowhere(t, db, "bobwhite")
	})
}

// clearsSession reports whether a response expires the session cookie.
func clearsSession(resp *http.Response) bool {
	for _, c := range resp.Cookies() {
		if c.Name == "rh_session" && c.MaxAge < 0 {
			return true
		}
	}
	return false
}

// assertLedgerAgrees checks a browser's user's running balances against
// the sums over their ledger entries, and their available points.
func assertLedgerAgrees(t *testing.T, s *site, b *browser, points int64) {
	t.Helper()
	ctx := context.Background()
	_, p, err := s.svc.Authenticate(ctx, b.cookie("rh_session").Value)
	if err != nil {
		t.Fatal(err)
	}
	running, err := s.db.Read().Balances(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	derived, err := s.db.Read().LedgerBalances(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(running) != fmt.Sprint(derived) || len(running) != 1 || running[0].Available != points {
		t.Errorf("balances %v, ledger sums %v; want %d points", running, derived, points)
	}
}
