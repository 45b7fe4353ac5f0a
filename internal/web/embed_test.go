package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// hostOrigin is the host site the embed tests let frame the page.
const hostOrigin = "https://shop.example.com"

// embedSite is a site whose program lets hostOrigin embed the page and
// gives a referred friend 14 trial days, with an admin and a write key.
type embedSite struct {
	*site
	admin referralhub.User
	key   referralhub.APIKey
}

func newEmbedSite(t *testing.T, db *storage.DB, now func() time.Time, opt siteOptions) *embedSite {
	t.Helper()
	s := &embedSite{site: newSiteWith(t, db, now, opt)}
	ctx := context.Background()
	var err error
	if s.admin, err = s.svc.CreateUser(ctx, core.SignupInput{Email: "root@example.com", Username: "root", Password: adminPassword, IsAdmin: true}); err != nil {
		t.Fatal(err)
	}
	s.program(t, func(p *referralhub.Program) {
		p.EmbedOrigins = []string{hostOrigin, "http://localhost:3000"}
		p.Rules = append(p.Rules, referralhub.Rule{Trigger: referralhub.EventSignup,
			Referee: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: 14}})
	})
	k, err := s.svc.CreateAPIKey(ctx, s.admin, "shop", core.ScopeWrite)
	if err != nil {
		t.Fatal(err)
	}
	s.key = k.APIKey
	return s
}

// program edits the current program.
func (s *embedSite) program(t *testing.T, edit func(*referralhub.Program)) {
	t.Helper()
	p, err := s.svc.Program(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	edit(&p)
	if _, err := s.svc.SaveProgram(context.Background(), s.admin, p, "embed tests"); err != nil {
		t.Fatal(err)
	}
}

// token mints a token for the participant with external id ext, created
// (referred by code, when not "") if new.
func (s *embedSite) token(t *testing.T, ext, code string) core.EmbedToken {
	t.Helper()
	tok, err := s.svc.MintEmbedToken(context.Background(), s.key, core.EmbedRequest{Participant: &core.ParticipantInput{
		ExternalID: ext, Name: &ext, ReferralCode: code}})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// embedPage is /embed/referrals with a token and the frame's settings.
func embedPage(token, theme, origin string) string {
	q := url.Values{"token": {token}}
	if theme != "" {
		q.Set("theme", theme)
	}
	if origin != "" {
		q.Set("origin", origin)
	}
	return core.EmbedPagePath + "?" + q.Encode()
}

// frameAncestors returns the frame-ancestors directive of a response's CSP.
func frameAncestors(resp *http.Response) string {
	for _, d := range strings.Split(resp.Header.Get("Content-Security-Policy"), ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "frame-ancestors ") {
			return d
		}
	}
	return ""
}

// TestEmbedPage opens a participant's embedded page with a fresh token: it
// shows their link, sharing, QR code, counts, balances, tier, badges, the
// rules in words and their rewards with Redeem; it may be framed by the
// program's embed origins only; it reads no cookie and sets none.
func TestEmbedPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newEmbedSite(t, db, time.Now, siteOptions{})
		ann := s.token(t, "ann", "")
		bob := s.token(t, "bob", strings.ToUpper(participantCode(t, s, ann.ParticipantID)))
		// A signed-in user's session cookie changes nothing: the page is bob's.
		b := s.browser(t)
		b.signup("carol")
		resp, body := b.get(embedPage(bob.Token, "dark", hostOrigin))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		bobCode := participantCode(t, s, bob.ParticipantID)
		for _, want := range []string{
			`value="` + s.srv.URL + `/r/` + bobCode + `"`, `id="copy-link"`, `data-share="whatsapp"`, `<svg class="qr"`,
			`id="stat-clicks">0<`, `id="stat-referrals">0<`, `id="stat-qualified">0<`, `id="balance-trial-days">14<`,
			`id="tier-name">Bronze<`, `id="badges"`, "Invite a friend: you get 10 points when they sign up.", "14 trial days",
			`<html lang="en" class="embed" data-theme="dark">`, `data-parent-origin="` + hostOrigin + `"`,
			`<input type="hidden" name="token" value="` + bob.Token + `">`, `action="/embed/rewards/`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		for _, unwanted := range []string{"carol", `href="/leaderboard"`, `href="/rewards"`, `href="/"`, "Log out"} {
			if strings.Contains(body, unwanted) {
				t.Errorf("the embedded page shows %q", unwanted)
			}
		}
		if got := frameAncestors(resp); got != "frame-ancestors "+hostOrigin+" http://localhost:3000" {
			t.Errorf("CSP %q", resp.Header.Get("Content-Security-Policy"))
		}
		if resp.Header.Get("X-Frame-Options") != "" || resp.Header.Get("Referrer-Policy") != "no-referrer" ||
			resp.Header.Get("Cache-Control") != "no-store" || len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("headers %v", resp.Header)
		}
		// ann sees her referral and its points; the site's pages still may not be framed.
		resp, body = b.get(embedPage(ann.Token, "", "https://evil.example"))
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="stat-referrals">1<`) || !strings.Contains(body, `id="balance-points">10<`) ||
			!strings.Contains(body, `data-parent-origin=""`) || strings.Contains(body, "data-theme") {
			t.Errorf("ann's page with an origin not listed:\n%s", body)
		}
		for _, path := range []string{"/", "/signup", "/rewards", "/embed.js", "/no-such-page"} {
			resp, _ := b.get(path)
			if frameAncestors(resp) != "frame-ancestors 'none'" || resp.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s: CSP %q, X-Frame-Options %q", path, resp.Header.Get("Content-Security-Policy"), resp.Header.Get("X-Frame-Options"))
			}
		}
		// No site listed: the page works, but nothing may frame it.
		s.program(t, func(p *referralhub.Program) { p.EmbedOrigins = nil })
		resp, body = b.get(embedPage(ann.Token, "light", hostOrigin))
		if resp.StatusCode != http.StatusOK || frameAncestors(resp) != "frame-ancestors 'none'" ||
			resp.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(body, `data-parent-origin=""`) {
			t.Errorf("with no embed origins: %d, CSP %q, XFO %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"), resp.Header.Get("X-Frame-Options"))
		}
	})
}

// participantCode returns a participant's referral code.
func participantCode(t *testing.T, s *embedSite, id int64) string {
	t.Helper()
	p, err := s.db.Read().Participant(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Code
}

// TestEmbedBadTokens opens the page with every kind of bad token: each
// gets 401 and the same small page naming the product, with no data of
// the participant, and no token ever reaches the log.
func TestEmbedBadTokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := &clockAt{t: time.Now()}
		logs := &lockedBuffer{}
		s := newEmbedSite(t, db, clock.now, siteOptions{log: logs})
		if _, err := s.svc.SaveBranding(context.Background(), s.admin, core.BrandingChange{Branding: brandingWith("BuzzFork")}); err != nil {
			t.Fatal(err)
		}
		good := s.token(t, "ann", "")
		expiring := s.token(t, "ann", "")
		banned := s.token(t, "bob", "")
		other, err := s.svc.CreateAPIKey(context.Background(), s.admin, "old shop", core.ScopeWrite)
		if err != nil {
			t.Fatal(err)
		}
		revoked, err := s.svc.MintEmbedToken(context.Background(), other.APIKey, core.EmbedRequest{Participant: &core.ParticipantInput{ExternalID: "ann"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.svc.RevokeAPIKey(context.Background(), s.admin, other.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.svc.Ban(context.Background(), s.admin, banned.ParticipantID, "tests"); err != nil {
			t.Fatal(err)
		}
		clock.t = clock.t.Add(core.EmbedTTLDefault) // expiring and good expire now...
		good = s.token(t, "ann", "")                // ...so good is minted again
		tampered := []byte(good.Token)
		tampered[10] ^= 1
		annCode := participantCode(t, s, good.ParticipantID)
		b := s.browser(t)
		b.signup("carol")
		cases := map[string]string{"expired": expiring.Token, "tampered": string(tampered), "revoked key": revoked.Token,
			"banned": banned.Token, "unknown": "rhe_AQEBAQ" + strings.Repeat("x", 43), "none": "", "an API key": other.Secret,
			"a session": b.cookie("rh_session").Value}
		for name, token := range cases {
			resp, body := b.get(embedPage(token, "dark", hostOrigin))
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "This page has expired.") ||
				!strings.Contains(body, "Reload the page in BuzzFork.") || strings.Contains(body, annCode) || strings.Contains(body, "carol") ||
				strings.Contains(body, `name="token"`) {
				t.Errorf("%s: %d\n%s", name, resp.StatusCode, body)
			}
			if frameAncestors(resp) != "frame-ancestors "+hostOrigin+" http://localhost:3000" || len(resp.Header.Values("Set-Cookie")) != 0 {
				t.Errorf("%s: the error page cannot live in the frame: %v", name, resp.Header)
			}
		}
		if resp, body := b.get(embedPage(good.Token, "", "")); resp.StatusCode != http.StatusOK || !strings.Contains(body, annCode) {
			t.Fatalf("a good token: %d", resp.StatusCode)
		}
		log := logs.String()
		if !strings.Contains(log, "/embed/referrals") {
			t.Fatalf("the requests were not logged:\n%s", log)
		}
		for name, token := range cases {
			if token != "" && strings.Contains(log, token) {
				t.Errorf("the %s token is in the log", name)
			}
		}
		if strings.Contains(log, good.Token) || strings.Contains(log, "token=") {
			t.Errorf("a token is in the log:\n%s", log)
		}
	})
}

// brandingWith is the default branding named name.
func brandingWith(name string) referralhub.Branding {
	b := referralhub.DefaultBranding()
	b.ProductName = name
	return b
}

// TestEmbedRedeem redeems from the embedded page: the token in the body
// redeems the participant's own reward and leads back to the page; no
// token, a token in the query only, another's reward, a second submit and
// a form from another site are refused.
func TestEmbedRedeem(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newEmbedSite(t, db, time.Now, siteOptions{})
		ann := s.token(t, "ann", "")
		bob := s.token(t, "bob", participantCode(t, s, ann.ParticipantID))
		carol := s.token(t, "carol", participantCode(t, s, ann.ParticipantID))
		b := s.browser(t)
		_, body := b.get(embedPage(bob.Token, "dark", hostOrigin))
		m := regexp.MustCompile(`action="(/embed/rewards/(\d+)/redeem)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no Redeem button on bob's page:\n%s", body)
		}
		redeem, rewardID := m[1], m[2]
		form := url.Values{"token": {bob.Token}, "theme": {"dark"}, "origin": {hostOrigin}}

		resp, _ := b.post(redeem, url.Values{})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("no token: %d", resp.StatusCode)
		}
		req, _ := http.NewRequest("POST", s.srv.URL+redeem+"?token="+url.QueryEscape(bob.Token), strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, _ := b.do(req); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a token in the query only: %d", resp.StatusCode)
		}
		resp, body = b.post(redeem, url.Values{"token": {carol.Token}})
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "That reward does not exist.") || !strings.Contains(body, `name="token" value="`+carol.Token) {
			t.Errorf("carol redeeming bob's reward: %d\n%s", resp.StatusCode, body)
		}
		req, _ = http.NewRequest("POST", s.srv.URL+redeem, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		if resp, _ := b.do(req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a form from another site with the token: %d", resp.StatusCode)
		}
		if rs := rewardsOf(t, s, bob.ParticipantID); rs[0].Status != referralhub.StatusApproved {
			t.Fatalf("bob's reward was redeemed by a refused request: %+v", rs[0])
		}

		req, _ = http.NewRequest("POST", s.srv.URL+redeem, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin") // the frame posts to its own origin
		resp, _ = b.do(req)
		want := embedPage(bob.Token, "dark", hostOrigin) + "#reward-" + rewardID
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want || len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("redeem: %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
		}
		if rs := rewardsOf(t, s, bob.ParticipantID); rs[0].Status != referralhub.StatusRedeemed {
			t.Errorf("after redeem bob's reward is %s", rs[0].Status)
		}
		resp, body = b.post(redeem, form)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="rewards-message"`) || frameAncestors(resp) == "frame-ancestors 'none'" {
			t.Errorf("a second submit: %d\n%s", resp.StatusCode, body)
		}
		if resp, body := b.post("/embed/rewards/x/redeem", form); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "That reward does not exist.") {
			t.Errorf("a reward id that is no number: %d", resp.StatusCode)
		}
	})
}

// rewardsOf returns a participant's rewards.
func rewardsOf(t *testing.T, s *embedSite, participantID int64) []referralhub.Reward {
	t.Helper()
	page, err := s.svc.Rewards(context.Background(), participantID)
	if err != nil || len(page.Rewards) == 0 {
		t.Fatalf("rewards of %d: %+v, %v", participantID, page.Rewards, err)
	}
	return page.Rewards
}

// TestEmbedScript fetches /embed.js: JavaScript with ReferralHub's origin
// written in, small, cached for an hour and revalidated by ETag, loadable
// from any site.
func TestEmbedScript(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		b := s.browser(t)
		resp, body := b.get("/embed.js")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" ||
			resp.Header.Get("Cache-Control") != "public, max-age=3600" || resp.Header.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
			t.Fatalf("%d %v", resp.StatusCode, resp.Header)
		}
		if !strings.Contains(body, fmt.Sprintf(`var ORIGIN = %q;`, s.srv.URL)) || strings.Contains(body, "/*origin*/") {
			t.Errorf("the origin is not written in")
		}
		if n := gzipSize(t, body); n > 2048 {
			t.Errorf("/embed.js is %d bytes gzipped, over 2 KiB", n)
		} else {
			t.Logf("/embed.js is %d bytes, %d gzipped", len(body), n)
		}
		req, _ := http.NewRequest("GET", s.srv.URL+"/embed.js", nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		if resp, _ := b.do(req); resp.StatusCode != http.StatusNotModified {
			t.Errorf("revalidation: %d", resp.StatusCode)
		}
	})
}
