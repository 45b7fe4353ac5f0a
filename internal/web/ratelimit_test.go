package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/web"
)

// limitedSite is a test site with the given limits, counted in memory on
// the site's clock.
func limitedSite(t *testing.T, db *storage.DB, clock *clockAt, limits ratelimit.Limits) *site {
	t.Helper()
	return newSiteWith(t, db, clock.now, siteOptions{rateLimit: web.RateLimit{
		Limiter: ratelimit.NewMemory(clock.now), Limits: limits, Secret: []byte("rate limit test secret")}})
}

func newClockAt() *clockAt { return &clockAt{t: time.Now().UTC().Truncate(time.Second)} }

// from serves a request as if it came from ip, straight through the
// site's handler, since a real connection cannot choose its source.
func (s *site) from(ip, method, path string, form url.Values, header http.Header) (*http.Response, string) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = ip + ":40000"
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	s.srv.Config.Handler.ServeHTTP(rec, req)
	return rec.Result(), rec.Body.String()
}

func signupForm(name string) url.Values {
	return url.Values{"email": {name + "@example.com"}, "username": {name}, "password": {"password123"}}
}

// wantTooMany checks a 429 with a sane Retry-After.
func wantTooMany(t *testing.T, resp *http.Response, retryAfter string) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429", resp.StatusCode)
	}
	if got := resp.Header.Get("Retry-After"); got != retryAfter {
		t.Fatalf("Retry-After %q, want %q", got, retryAfter)
	}
}

// TestSignupRateLimit: five signups a minute from one IP, over real HTTP;
// the sixth gets 429 with Retry-After and the error page, or the JSON
// error when it asks for JSON; other IPs are not affected, and the
// allowance comes back with time.
func TestSignupRateLimit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := newClockAt()
		s := limitedSite(t, db, clock, ratelimit.Limits{Signup: ratelimit.Limit{Count: 5, Per: time.Minute}})
		for _, name := range []string{"ann", "ben", "cat", "dan", "eve"} {
			s.browser(t).signup(name)
		}
		resp, body := s.browser(t).post("/signup", signupForm("fay"))
		wantTooMany(t, resp, "12")
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "Too many requests. Please try again in 12 seconds.") {
			t.Fatalf("429 page: %s\n%s", resp.Header.Get("Content-Type"), body)
		}

		b := s.browser(t)
		req, _ := http.NewRequest("POST", s.srv.URL+"/signup", strings.NewReader(signupForm("fay").Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		resp, body = b.do(req)
		wantTooMany(t, resp, "12")
		var e struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "too_many_requests" || e.Error.Message == "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("JSON 429: %s %q (%v)", resp.Header.Get("Content-Type"), body, err)
		}

		if resp, _ := s.from("198.51.100.7", "POST", "/signup", signupForm("gus"), nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signup from another IP: %d", resp.StatusCode)
		}
		clock.t = clock.t.Add(12 * time.Second)
		s.browser(t).signup("fay")
		if resp, _ := s.browser(t).post("/signup", signupForm("hal")); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("second signup after 12s: %d, want 429", resp.StatusCode)
		}
	})
}

// TestLoginRateLimitByAccount: the account's limit (half of LOGIN's)
// holds across IPs and whatever the case of the login, even with the right
// password; the IP limit holds across accounts.
func TestLoginRateLimitByAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := newClockAt()
		s := limitedSite(t, db, clock, ratelimit.Limits{Login: ratelimit.Limit{Count: 4, Per: time.Minute}})
		s.browser(t).signup("alice")
		wrong := func(login string) url.Values { return url.Values{"login": {login}, "password": {"wrong password"}} }
		for i, login := range []string{"alice", " ALICE "} {
			if resp, _ := s.from("198.51.100."+string(rune('1'+i)), "POST", "/login", wrong(login), nil); resp.StatusCode == http.StatusTooManyRequests {
				t.Fatalf("attempt %d on alice: 429 too early", i+1)
			}
		}
		resp, _ := s.from("198.51.100.3", "POST", "/login", url.Values{"login": {"Alice"}, "password": {"password123"}}, nil)
		wantTooMany(t, resp, "30") // two a minute per account
		if resp, _ := s.from("198.51.100.3", "POST", "/login", wrong("bob"), nil); resp.StatusCode == http.StatusTooManyRequests {
			t.Fatal("a fresh IP was limited for another account")
		}

		for i, login := range []string{"u1", "u2", "u3", "u4"} {
			if resp, _ := s.from("203.0.113.9", "POST", "/login", wrong(login), nil); resp.StatusCode == http.StatusTooManyRequests {
				t.Fatalf("login %d from one IP: 429 too early", i+1)
			}
		}
		resp, _ = s.from("203.0.113.9", "POST", "/login", wrong("u5"), nil)
		wantTooMany(t, resp, "15") // four a minute per IP
	})
}

// clickHeader is what a browser sends when it follows a link.
func clickHeader() http.Header {
	return http.Header{"User-Agent": {"Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"},
		"Sec-Fetch-Dest": {"document"}, "Accept": {"text/html"}}
}

// TestClickRateLimitPerIP: a click over the limit answers 429, sets no
// cookie and is not recorded; other IPs still click.
func TestClickRateLimitPerIP(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := newClockAt()
		s := limitedSite(t, db, clock, ratelimit.Limits{Click: ratelimit.Limit{Count: 3, Per: time.Minute}})
		alice := s.browser(t)
		alice.signup("alice")
		path := strings.TrimPrefix(alice.link(), s.srv.URL)
		for i := range 3 {
			if resp, _ := s.from("198.51.100.1", "GET", path, nil, clickHeader()); resp.StatusCode != http.StatusFound {
				t.Fatalf("click %d: %d", i+1, resp.StatusCode)
			}
		}
		resp, _ := s.from("198.51.100.1", "GET", path, nil, clickHeader())
		wantTooMany(t, resp, "20")
		if resp.Header.Get("Set-Cookie") != "" {
			t.Fatalf("a denied click set a cookie: %s", resp.Header.Get("Set-Cookie"))
		}
		if resp, _ := s.from("2001:db8::1", "GET", path, nil, clickHeader()); resp.StatusCode != http.StatusFound {
			t.Fatalf("click from another IP: %d", resp.StatusCode)
		}
		s.flushClicks(t)
		if _, body := alice.get("/"); stat(t, body, "stat-clicks") != "4" {
			t.Fatalf("clicks = %s, want 4: the denied one is not recorded", stat(t, body, "stat-clicks"))
		}
	})
}

// TestRateLimitOff: a limit that is off counts nothing, while the others
// still hold.
func TestRateLimitOff(t *testing.T) {
	s := limitedSite(t, storagetest.Open(t, "sqlite"), newClockAt(), ratelimit.Limits{Signup: ratelimit.Limit{Count: 1, Per: time.Minute}})
	alice := s.browser(t)
	alice.signup("alice")
	path := strings.TrimPrefix(alice.link(), s.srv.URL)
	visitor := s.browser(t)
	for i := range 50 {
		if resp, _ := visitor.get(path); resp.StatusCode != http.StatusFound {
			t.Fatalf("click %d with CLICK off: %d", i+1, resp.StatusCode)
		}
	}
	if resp, _ := s.browser(t).post("/signup", signupForm("bob")); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second signup: %d, want 429", resp.StatusCode)
	}
}

// TestVerifyRateLimit: resends count per signed-in user (not per IP), and
// password reset requests per IP, both under VERIFY.
func TestVerifyRateLimit(t *testing.T) {
	clock := newClockAt()
	s := limitedSite(t, storagetest.Open(t, "sqlite"), clock, ratelimit.Limits{Verify: ratelimit.Limit{Count: 2, Per: time.Hour}})
	alice, bob := s.browser(t), s.browser(t)
	alice.signup("alice")
	bob.signup("bob")
	for i := range 2 {
		clock.t = clock.t.Add(61 * time.Second) // past the core's own once-a-minute rule
		if resp, body := alice.post("/verify-email/resend", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("resend %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	clock.t = clock.t.Add(61 * time.Second)
	resp, body := alice.post("/verify-email/resend", nil)
	wantTooMany(t, resp, "1678") // the second allowance returns 60m after the first, which was 122s ago
	// Beside the button on the settings page, still signed in, with the wait.
	if !strings.Contains(body, `id="resend-wait" role="alert">You asked for several links already. You can ask for another in 28 minutes.`) ||
		!strings.Contains(body, `id="current-email"`) {
		t.Errorf("the resend limit is not shown inline:\n%s", body)
	}
	if resp, _ := bob.post("/verify-email/resend", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob's resend from the same IP: %d", resp.StatusCode)
	}

	for i := range 2 {
		if resp, _ := s.browser(t).post("/password-reset", url.Values{"email": {"alice@example.com"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, _ = s.browser(t).post("/password-reset", url.Values{"email": {"alice@example.com"}})
	wantTooMany(t, resp, "1800")
}
