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

// userPagePath finds a user's page through the admin's user list.
func userPagePath(t *testing.T, admin *browser, username string) string {
	t.Helper()
	_, body := admin.get("/admin?q=" + url.QueryEscape(username))
	m := regexp.MustCompile(`<td><a href="(/admin/users/\d+)">` + username + `</a>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the user list does not link %s's page:\n%s", username, body)
	}
	return m[1]
}

// userAction posts a form of the user's page as a browser would fill it,
// with fields set over it, and returns the answer.
func userAction(t *testing.T, admin *browser, page, action string, set url.Values) (*http.Response, string) {
	t.Helper()
	_, body := admin.get(page)
	form := scrapeForm(t, body, page+"/"+action)
	for k, v := range set {
		form[k] = v
	}
	return admin.post(page+"/"+action, form)
}

func wantDone(t *testing.T, resp *http.Response, body, page, done string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?done="+done {
		t.Fatalf("%s: %d to %q\n%s", done, resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

// TestAdminUserPageShowsTheAccount: the list links each user's page, which
// shows their referrals with state and earnings, their ledger, the risk of
// the referral that brought them and the audit trail; to anyone but an
// admin the page and its actions do not exist.
func TestAdminUserPageShowsTheAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		bob := referredSignup(t, s, alice, "bob")
		admin := adminBrowser(t, s)
		page := userPagePath(t, admin, "alice")
		resp, body := admin.get(page)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("user page: %d", resp.StatusCode)
		}
		for _, want := range []string{`<td>bob</td>`, `referral-rewarded">Rewarded</span>`, `id="user-points">10<`,
			"They signed up without a referral", `<td>10 points</td><td>bob signed up</td>`} {
			if !strings.Contains(body, want) {
				t.Errorf("alice's page lacks %s", want)
			}
		}
		if _, body := admin.get(userPagePath(t, admin, "bob")); !strings.Contains(body, `id="user-risk-score">`) ||
			!strings.Contains(body, `id="user-review">clear<`) {
			t.Errorf("bob's page shows no risk of his referral:\n%s", body)
		}
		for name, b := range map[string]*browser{"user": bob, "visitor": s.browser(t)} {
			if resp, _ := b.get(page); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s sees the user page: %d", name, resp.StatusCode)
			}
			if resp, _ := b.post(page+"/points", url.Values{"points": {"1000"}, "reason": {"mine"}, "key": {"k"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s adjusts points: %d", name, resp.StatusCode)
			}
		}
		if resp, _ := admin.get("/admin/users/999999"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown user: %d", resp.StatusCode)
		}
		req, _ := http.NewRequest("POST", s.srv.URL+page+"/ban", strings.NewReader("reason=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if resp, _ := admin.do(req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site ban: %d, want 403", resp.StatusCode)
		}
		if _, body := admin.get(page); strings.Contains(body, `id="user-banned"`) {
			t.Error("the cross-site ban went through")
		}
	})
}

// TestAdminAdjustsPoints: an adjustment needs a number and a reason, cannot
// take more than is available, lands once per form as a ledger entry of its
// own and is audited.
func TestAdminAdjustsPoints(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		referredSignup(t, s, alice, "bob")
		admin := adminBrowser(t, s)
		page := userPagePath(t, admin, "alice")
		for _, c := range []struct{ points, reason, want string }{
			{"25", "", "Give a reason"},
			{"lots", "Fair", "Give a whole number of points"},
			{"0", "Fair", "Give a whole number of points between"},
			{"-50", "Fair", "alice has only 10 points available"},
		} {
			resp, body := userAction(t, admin, page, "points", url.Values{"points": {c.points}, "reason": {c.reason}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="points-error">`+c.want) ||
				!strings.Contains(body, `value="`+c.points+`"`) {
				t.Errorf("points %q reason %q: %d, want 422 with %q", c.points, c.reason, resp.StatusCode, c.want)
			}
		}
		_, body := admin.get(page)
		form := scrapeForm(t, body, page+"/points")
		form.Set("points", "25")
		form.Set("reason", "Thanks for the conference talk")
		resp, body := admin.post(page+"/points", form)
		wantDone(t, resp, body, page, "points")
		if resp, body := admin.post(page+"/points", form); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "That adjustment was already made.") {
			t.Errorf("the same form again: %d", resp.StatusCode)
		}
		if got := points(t, alice); got != "35" {
			t.Errorf("alice has %s points, want 35", got)
		}
		if _, body := alice.get("/rewards"); !strings.Contains(body, "Thanks for the conference talk") || !strings.Contains(body, "Adjusted") {
			t.Error("the adjustment is not in alice's reward history")
		}
		_, body = admin.get(page + "?done=points")
		if !strings.Contains(body, `id="user-notice">The points were adjusted`) ||
			!regexp.MustCompile(`<td>root</td><td class="mono">participant.points</td><td>&#43;25 points \(entry \d+\): Thanks for the conference talk</td>`).MatchString(body) {
			t.Errorf("the user page does not confirm or audit the adjustment:\n%s", body)
		}
		resp, body = userAction(t, admin, page, "points", url.Values{"points": {"-35"}, "reason": {"Duplicate account"}})
		wantDone(t, resp, body, page, "points")
		if got := points(t, alice); got != "0" {
			t.Errorf("alice has %s points after taking 35, want 0", got)
		}
	})
}

// TestAdminBansAndMakesAdmins: a ban stops the user's link and an unban
// brings it back; admin rights are given and taken, never by an admin
// from themselves; each is audited on the user's page.
func TestAdminBansAndMakesAdmins(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		link := strings.TrimPrefix(alice.link(), s.srv.URL)
		admin := adminBrowser(t, s)
		page := userPagePath(t, admin, "alice")

		resp, body := userAction(t, admin, page, "ban", url.Values{"reason": {"Coupon farming"}})
		wantDone(t, resp, body, page, "ban")
		if resp, _ := s.browser(t).get(link); resp.Header.Get("Location") != "/signup?link=unknown" {
			t.Errorf("banned link: %d to %q, want the unknown link's answer", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = userAction(t, admin, page, "unban", url.Values{"reason": {"Cleared by support"}})
		wantDone(t, resp, body, page, "unban")
		if resp, _ := s.browser(t).get(link); resp.StatusCode != http.StatusFound || strings.Contains(resp.Header.Get("Location"), "unknown") {
			t.Errorf("link after the unban: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}

		resp, body = userAction(t, admin, page, "admin", nil)
		wantDone(t, resp, body, page, "grant")
		if resp, _ := alice.get("/admin"); resp.StatusCode != http.StatusOK {
			t.Errorf("new admin sees /admin: %d", resp.StatusCode)
		}
		resp, body = userAction(t, admin, page, "admin", nil)
		wantDone(t, resp, body, page, "revoke")
		if resp, _ := alice.get("/admin"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("former admin sees /admin: %d", resp.StatusCode)
		}
		own := userPagePath(t, admin, "root")
		if resp, body := admin.post(own+"/admin", url.Values{"admin": {"revoke"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "You cannot remove your own admin rights") {
			t.Errorf("own rights: %d", resp.StatusCode)
		}

		_, body = admin.get(page)
		for _, want := range []string{"participant.ban</td><td>Coupon farming", "participant.unban</td><td>Cleared by support",
			"admin.grant</td><td>alice", "admin.revoke</td><td>alice"} {
			if !strings.Contains(body, want) {
				t.Errorf("audit trail lacks %s", want)
			}
		}
	})
}
