package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func referrals(t *testing.T, b *browser) string {
	t.Helper()
	b.site.flushClicks(t)
	_, body := b.get("/")
	return stat(t, body, "stat-referrals")
}

func TestUnknownCodeSaysSoAndRecordsNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		for _, path := range []string{"/r/zzzzzzzz", "/r/short", "/r/%3Cscript%3E"} {
			b := s.browser(t)
			resp, _ := b.get(path)
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/signup?link=unknown" || b.cookie("rh_ref") != nil {
				t.Errorf("%s: %d to %q, cookie %v", path, resp.StatusCode, resp.Header.Get("Location"), b.cookie("rh_ref"))
			}
			if _, body := b.get(resp.Header.Get("Location")); !strings.Contains(body, `id="link-problem">The link you followed does not lead to an invitation`) {
				t.Errorf("%s: the signup page does not say the link leads nowhere", path)
			}
		}
		s.flushClicks(t)
		var n int
		if err := countClicks(db, &n); err != nil || n != 0 {
			t.Fatalf("clicks stored: %d, %v", n, err)
		}
	})
}

func countClicks(db *storage.DB, n *int) error {
	total, err := db.Read().CountClicks(context.Background())
	*n = int(total)
	return err
}

func TestExpiredAndTamperedCookiesAreIgnored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := &clockAt{t: time.Now()}
		s := newSiteAt(t, db, clock.now)
		alice := s.browser(t)
		alice.signup("alice")
		link := strings.TrimPrefix(alice.link(), s.srv.URL)

		tampered := s.browser(t)
		tampered.get(link)
		c := tampered.cookie("rh_ref")
		c.Value = strings.Replace(c.Value, ".", "x.", 1)
		tampered.c.Jar.SetCookies(mustURL(s.srv.URL), []*http.Cookie{c})
		if _, body := tampered.get("/signup"); strings.Contains(body, "invited you") {
			t.Error("tampered cookie shows a referrer")
		}
		tampered.signup("tampered")

		expired := s.browser(t)
		expired.get(link)
		clock.t = clock.t.Add(core.DefaultSettings().AttributionWindow + time.Hour)
		if _, body := expired.get("/signup"); strings.Contains(body, "invited you") ||
			!strings.Contains(body, "Your invitation from <strong>alice</strong> has expired") {
			t.Errorf("expired cookie: the signup page does not say it expired\n%s", body)
		}
		expired.signup("expired")
		// Alice's session is 30 days old now too; log in again.
		alice.post("/login", url.Values{"login": {"alice"}, "password": {"password123"}})
		if got := referrals(t, alice); got != "0" {
			t.Fatalf("alice has %s referrals from bad cookies", got)
		}
	})
}

func TestFollowingOwnLinkIsNotAttributed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		resp, _ := alice.get(strings.TrimPrefix(alice.link(), s.srv.URL))
		if resp.StatusCode != http.StatusFound || alice.cookie("rh_ref") != nil {
			t.Fatalf("own link: %d, cookie %v", resp.StatusCode, alice.cookie("rh_ref"))
		}
		// Logging out and signing up again from the same browser is organic.
		alice.post("/logout", nil)
		alice.signup("alice2")
		alice.post("/logout", nil)
		alice.post("/login", url.Values{"login": {"alice"}, "password": {"password123"}})
		if got := referrals(t, alice); got != "0" {
			t.Fatalf("self-referral counted: %s", got)
		}
		s.flushClicks(t)
		_, body := alice.get("/")
		if got := stat(t, body, "stat-clicks"); got != "0" {
			t.Fatalf("own click counted: %s", got)
		}
	})
}

func TestCrossSitePostIsRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		b := s.browser(t)
		form := url.Values{"email": {"x@example.com"}, "username": {"mallory"}, "password": {"password123"}}
		for _, h := range []map[string]string{{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}} {
			req, _ := http.NewRequest("POST", s.srv.URL+"/signup", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			if resp, _ := b.do(req); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%v: status %d, want 403", h, resp.StatusCode)
			}
		}
		if resp, body := b.post("/login", url.Values{"login": {"mallory"}, "password": {"password123"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("cross-site signup created the account: %d %s", resp.StatusCode, body)
		}
	})
}

func TestValidationErrorsKeepInputAndUse422(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		s.browser(t).signup("alice")
		b := s.browser(t)
		cases := []struct{ email, username, field string }{
			{"ALICE@EXAMPLE.COM", "someone", "email"},
			{"someone@example.com", "ALICE", "username"},
			{"bad", "someone", "email"},
		}
		for _, tc := range cases {
			resp, body := b.post("/signup", url.Values{"email": {tc.email}, "username": {tc.username}, "password": {"secret-password-9"}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%v: status %d, want 422", tc, resp.StatusCode)
			}
			if !strings.Contains(body, `id="`+tc.field+`-error"`) {
				t.Errorf("%v: no error beside %s", tc, tc.field)
			}
			if !strings.Contains(body, `value="`+tc.email+`"`) || strings.Contains(body, "secret-password-9") {
				t.Errorf("%v: input not kept, or password echoed", tc)
			}
		}
	})
}

func TestHTMLInInputIsEscapedEverywhere(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		const evil = `<script>alert(1)</script>`
		b := s.browser(t)
		_, body := b.post("/signup", url.Values{"email": {evil}, "username": {evil}, "password": {"password123"}})
		assertEscaped(t, "signup", body, evil)
		_, body = b.post("/login", url.Values{"login": {evil}, "password": {"password123"}})
		assertEscaped(t, "login", body, evil)
		// An email may legally hold ' and &, which must be escaped when shown.
		odd := `o'neil&co@example.com`
		resp, body := b.post("/signup", url.Values{"email": {odd}, "username": {"oneil"}, "password": {"password123"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("email with ' and & refused: %d %s", resp.StatusCode, body)
		}
		admin := adminBrowser(t, s)
		_, body = admin.get("/admin?q=" + url.QueryEscape(evil))
		assertEscaped(t, "admin search", body, evil)
		_, body = admin.get("/admin")
		if assertEscaped(t, "admin list", body, odd); !strings.Contains(body, "o&#39;neil&amp;co@example.com") {
			t.Error("admin list does not show the escaped email")
		}
	})
}

func assertEscaped(t *testing.T, page, body, evil string) {
	t.Helper()
	if strings.Contains(body, evil) {
		t.Errorf("%s: raw %q in page", page, evil)
	}
}

// adminBrowser creates an admin through the core and logs in.
func adminBrowser(t *testing.T, s *site) *browser {
	t.Helper()
	_, err := s.svc.CreateUser(context.Background(), core.SignupInput{Email: "root@example.com", Username: "root", Password: "admin-password", IsAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	if resp, _ := b.post("/login", url.Values{"login": {"root"}, "password": {"admin-password"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin login: %d", resp.StatusCode)
	}
	return b
}

func TestAdminListIsForAdminsOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		if resp, _ := s.browser(t).get("/admin"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("visitor: %d, want 404", resp.StatusCode)
		}
		alice := s.browser(t)
		alice.signup("alice")
		if resp, _ := alice.get("/admin"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("non-admin: %d, want 404", resp.StatusCode)
		}
		friend := s.browser(t)
		friend.get(strings.TrimPrefix(alice.link(), s.srv.URL))
		friend.signup("bob")
		admin := adminBrowser(t, s)
		resp, body := admin.get("/admin?q=BOB")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<td>bob") || !strings.Contains(body, "<td>alice</td>") || strings.Contains(body, "<td>root") {
			t.Fatalf("admin search: %d\n%s", resp.StatusCode, body)
		}
	})
}

func TestLoginLockoutOverHTTP(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		s.browser(t).signup("alice")
		b := s.browser(t)
		var resp *http.Response
		var body string
		for range 5 {
			resp, body = b.post("/login", url.Values{"login": {"alice"}, "password": {"wrong-password"}})
		}
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed logins") {
			t.Fatalf("fifth failure: %d", resp.StatusCode)
		}
		if resp, _ = b.post("/login", url.Values{"login": {"alice"}, "password": {"password123"}}); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("right password during lockout: %d", resp.StatusCode)
		}
	})
}

func TestSecurityHeadersAndHealth(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		b := s.browser(t)
		resp, _ := b.get("/")
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP = %q", csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" || resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("headers = %v", resp.Header)
		}
		for _, path := range []string{"/healthz", "/readyz"} {
			if resp, _ := b.get(path); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
		if resp, _ := b.get("/no/such/page"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown page: %d", resp.StatusCode)
		}
		if resp, _ := b.get("/static/app.css"); resp.StatusCode != http.StatusOK {
			t.Errorf("stylesheet: %d", resp.StatusCode)
		}
		db.Close()
		if resp, _ := b.get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("readyz with the database closed: %d", resp.StatusCode)
		}
	})
}

func TestCookiesAreSecureBehindHTTPS(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		h, _, _, _ := newHandler(t, db, "https://refer.example.com", time.Now, "", siteOptions{})
		form := url.Values{"email": {"a@example.com"}, "username": {"alice"}, "password": {"password123"}}
		req := httptest.NewRequest("POST", "https://refer.example.com/signup", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var cookie string
		for _, c := range rec.Header().Values("Set-Cookie") {
			if strings.HasPrefix(c, "rh_session=") {
				cookie = c
			}
		}
		if rec.Code != http.StatusSeeOther || !strings.Contains(cookie, "rh_session=") || !strings.Contains(cookie, "; Secure") ||
			!strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
			t.Fatalf("signup: %d, Set-Cookie %q", rec.Code, cookie)
		}
	})
}

func TestOddHeadersCostNoClicks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		link := alice.link()
		for _, ua := range []string{"good", "bad \xff\xfe bytes", "latin-1 caf\xe9", strings.Repeat("long", 500), "good again"} {
			req, _ := http.NewRequest("GET", link, nil)
			req.Header.Set("User-Agent", ua)
			req.Header.Set("Referer", "https://example.com/\xff")
			if resp, _ := s.browser(t).do(req); resp.StatusCode != http.StatusFound {
				t.Fatalf("click with %q: %d", ua, resp.StatusCode)
			}
		}
		s.flushClicks(t)
		if st := s.clicks.Stats(); st.Dropped != 0 {
			t.Fatalf("dropped %d clicks", st.Dropped)
		}
		var n int
		if err := countClicks(db, &n); err != nil || n != 5 {
			t.Fatalf("%d clicks stored (%v), want 5", n, err)
		}
	})
}

func TestReferralIsLinkedToTheClick(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		friend := s.browser(t)
		friend.get(strings.TrimPrefix(alice.link(), s.srv.URL))
		clickID := strings.Split(friend.cookie("rh_ref").Value, ".")[1]
		friend.signup("bob")
		_, bob, err := s.svc.Authenticate(context.Background(), friend.cookie("rh_session").Value)
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.Read().ReferralOf(context.Background(), bob.ID)
		if err != nil || r.ClickID != clickID {
			t.Fatalf("referral %+v, %v; want click %s", r, err, clickID)
		}
	})
}

func TestSignupRotatesAPlantedSession(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		b := s.browser(t)
		b.c.Jar.SetCookies(mustURL(s.srv.URL), []*http.Cookie{{Name: "rh_session", Value: "planted-by-someone-else"}})
		b.signup("alice")
		if got := b.cookie("rh_session").Value; got == "planted-by-someone-else" || got == "" {
			t.Fatalf("session after signup = %q", got)
		}
	})
}

func TestMethodsAndHostileQueries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		head, _ := http.NewRequest("HEAD", alice.link(), nil)
		if resp, _ := s.browser(t).do(head); resp.StatusCode != http.StatusFound || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("HEAD link: %d, Set-Cookie %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
		}
		s.flushClicks(t)
		var n int
		if countClicks(db, &n); n != 0 {
			t.Errorf("HEAD recorded %d clicks", n)
		}
		put, _ := http.NewRequest("PUT", s.srv.URL+"/signup", nil)
		if resp, _ := s.browser(t).do(put); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("PUT /signup: %d, want 405", resp.StatusCode)
		}
		if resp, _ := s.browser(t).post("/login", url.Values{"login": {"ali\x00ce"}, "password": {"x"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("login with NUL: %d, want 401", resp.StatusCode)
		}
		admin := adminBrowser(t, s)
		for path, want := range map[string]int{"/admin?q=%00": 422, "/admin?q=%FF": 422, "/admin?page=9223372036854775807": 200, "/?page=-5": 200} {
			if resp, _ := admin.get(path); resp.StatusCode != want {
				t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
			}
		}
		big := url.Values{"email": {strings.Repeat("x", 100<<10)}}
		if resp, _ := s.browser(t).post("/signup", big); resp.StatusCode >= 500 {
			t.Errorf("oversized form: %d", resp.StatusCode)
		}
	})
}

// TestSignupWithATakenEmailOffersLogin: a second signup with an email that
// has an account says so and links to log in or reset the password; a
// taken username alone offers neither.
func TestSignupWithATakenEmailOffersLogin(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		s.browser(t).signup("alice")
		resp, body := s.browser(t).post("/signup", url.Values{"email": {"Alice@example.com"}, "username": {"alice2"}, "password": {"password123"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="login-instead" href="/login"`) ||
			!strings.Contains(body, `href="/password-reset"`) {
			t.Fatalf("taken email: %d\n%s", resp.StatusCode, body)
		}
		resp, body = s.browser(t).post("/signup", url.Values{"email": {"other@example.com"}, "username": {"alice"}, "password": {"password123"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(body, `id="login-instead"`) || !strings.Contains(body, "username is taken") {
			t.Fatalf("taken username: %d\n%s", resp.StatusCode, body)
		}
	})
}
