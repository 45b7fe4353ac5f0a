package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// referFriends signs up n friends through b's link.
func referFriends(t *testing.T, s *site, b *browser, prefix string, n int) {
	t.Helper()
	link := strings.TrimPrefix(b.link(), s.srv.URL)
	for i := range n {
		friend := s.browser(t)
		friend.get(link)
		friend.signup(prefix + string(rune('a'+i)))
	}
}

// TestDashboardShowsTierProgressAndBadges: three qualified referrals put
// alice in Bronze, 7 short of Silver, with her first badge; when the
// admin moves Silver to 2 she is Silver, 47 short of Gold.
func TestDashboardShowsTierProgressAndBadges(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		_, body := alice.get("/")
		if !strings.Contains(body, "10 more referrals to Silver") || !strings.Contains(body, "Your first badge comes") {
			t.Fatalf("new dashboard lacks the progress:\n%s", body)
		}
		referFriends(t, s, alice, "friend", 3)
		_, body = alice.get("/")
		for _, want := range []string{`id="tier-name">Bronze<`, "7 more referrals to Silver", `value="30"`, "First referral"} {
			if !strings.Contains(body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}

		admin := adminBrowser(t, s)
		form := loadProgramForm(t, admin)
		if form.Get("tier.1.name") != "Silver" || form.Get("tier.1.threshold") != "10" || form.Get("badge.3.threshold") != "100" {
			t.Fatalf("program form tiers = %v", form)
		}
		form.Set("tier.1.threshold", "2")
		form.Set("tier.2.multiplier", "150")
		saveProgramForm(t, admin, form)
		p := programNow(t, s)
		if p.Tiers[1].Threshold != 2 || p.Tiers[2].MultiplierPercent != 150 || len(p.Badges) != 4 {
			t.Fatalf("saved tiers = %+v, badges %+v", p.Tiers, p.Badges)
		}
		_, body = alice.get("/")
		if !strings.Contains(body, `id="tier-name">Silver<`) || !strings.Contains(body, "47 more referrals to Gold") {
			t.Errorf("after the change the dashboard says:\n%s", body)
		}

		form.Set("tier.0.threshold", "5")
		resp, body := admin.post("/admin/program", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The first tier starts at 0 referrals") {
			t.Errorf("a first tier above 0: %d", resp.StatusCode)
		}
	})
}

// TestLeaderboardPage: alice leads with initials by default, may show a
// display name (escaped) or leave the board; bad choices are refused
// beside their field; visitors are sent to log in.
func TestLeaderboardPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice_liddell")
		referFriends(t, s, alice, "pal", 2)
		bob := s.browser(t)
		bob.signup("bob")
		referFriends(t, s, bob, "mate", 1)

		_, body := alice.get("/leaderboard")
		rows := between(body, `<tbody>`, `</tbody>`)
		if !strings.Contains(rows, "#1</td><td class=\"leader-name\">A. L. (you)</td><td class=\"num\">2") ||
			!strings.Contains(rows, "#2</td><td class=\"leader-name\">B.</td><td class=\"num\">1") {
			t.Fatalf("leaderboard rows:\n%s", rows)
		}
		if !strings.Contains(body, `id="your-rank-value">#1<`) {
			t.Errorf("your rank missing")
		}
		_, body = bob.get("/leaderboard?period=week")
		if !strings.Contains(body, `id="your-rank-value">#2<`) || !strings.Contains(body, `aria-current="page">This week`) {
			t.Errorf("bob's week view lacks his rank")
		}

		resp, body := alice.post("/settings/leaderboard", url.Values{"display_name": {""}, "leaderboard": {"name"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="display_name-error"`) {
			t.Fatalf("a name choice without a name: %d", resp.StatusCode)
		}
		resp, _ = alice.post("/settings/leaderboard", url.Values{"display_name": {"Alice <b>"}, "leaderboard": {"name"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save display name: %d", resp.StatusCode)
		}
		_, body = bob.get("/leaderboard?period=all")
		if !strings.Contains(body, html.EscapeString("Alice <b>")) || strings.Contains(body, "Alice <b>") {
			t.Errorf("display name not shown escaped")
		}
		alice.post("/settings/leaderboard", url.Values{"leaderboard": {"hidden"}})
		_, body = bob.get("/leaderboard")
		if strings.Contains(body, "Alice") || !strings.Contains(body, `id="your-rank-value">#1<`) {
			t.Errorf("alice opted out but shows, or bob did not move up")
		}
		_, body = alice.get("/leaderboard")
		if !strings.Contains(body, "You chose not to appear") {
			t.Errorf("alice is not told why she has no rank")
		}
		// Hidden by the team, not by choice: bob is told why.
		bobID, err := s.svc.ParticipantByLogin(context.Background(), "bob")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.svc.Ban(context.Background(), anAdmin, bobID, "tests"); err != nil {
			t.Fatal(err)
		}
		if _, body = bob.get("/leaderboard"); !strings.Contains(body, "your account has been suspended") {
			t.Errorf("bob, banned, is not told why he has no rank:\n%s", between(body, "<main", "</main>"))
		}

		visitor := s.browser(t)
		if resp, _ := visitor.get("/leaderboard"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("visitor: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// between returns the text of s from the first start to the next end.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}
