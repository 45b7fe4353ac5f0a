package web_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// snippetAttr is what ReferralHub.attribution() returns.
type snippetAttr struct {
	Code    string  `json:"code"`
	ClickID *string `json:"clickId"`
	At      string  `json:"at"`
}

// hostSite serves a tiny host page that includes ReferralHub's snippet,
// under a Content-Security-Policy that allows scripts from ReferralHub
// only: /custom reads the code from ?via= instead of ?ref=. It answers at
// localhost, another site than ReferralHub's 127.0.0.1.
func hostSite(t *testing.T, rh string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" {
			http.NotFound(w, r)
			return
		}
		param := ""
		if r.URL.Path == "/custom" {
			param = ` data-param="via"`
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src "+rh)
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Shop</title><script src="%s/snippet.js"%s></script><h1>Shop</h1>`, rh, param)
	}))
	t.Cleanup(srv.Close)
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// TestBrowserSnippet runs the snippet in a real Chromium on a host page of
// another site: a ?ref= code is kept in a first-party cookie for the
// program's window and returned by ReferralHub.attribution() on later
// pages; bad codes, bad click ids and tampered or stale cookies are
// ignored; and a referral link with ?to= lands on the host page with the
// code and the id of the click it recorded.
func TestBrowserSnippet(t *testing.T) {
	chromium := findChromium(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		s.saveProgram(t, func(p *referralhub.Program) {
			p.AttributionWindow = 14 * 24 * time.Hour
			p.AllowedRedirectHosts = []string{"localhost"}
		})
		alice := s.browser(t)
		alice.signup("alice")
		code := strings.TrimPrefix(alice.link(), s.srv.URL+"/r/")
		host := hostSite(t, s.srv.URL)
		root := startBrowser(t, chromium)
		a := openTab(t, root, "A")
		b := openTab(t, root, "B")

		// 1) A lands on the host page with ?ref=CODE (in capitals): the
		// code is kept for the 14-day window and survives other pages.
		inTab(a, chromedp.Navigate(host+"/?ref="+strings.ToUpper(code)))
		got := attribution(a)
		if got == nil || got.Code != code || got.ClickID != nil || !recent(got.At) {
			t.Fatalf("attribution() = %+v, want code %s, no click id, now", got, code)
		}
		c := hostCookie(a, host)
		if c == nil || !strings.HasPrefix(c.Value, code+"..") || c.Path != "/" || c.Domain != "localhost" ||
			c.HTTPOnly || c.SameSite != network.CookieSameSiteLax {
			t.Fatalf("host cookie %+v", c)
		}
		if want := float64(time.Now().Add(14 * 24 * time.Hour).Unix()); math.Abs(c.Expires-want) > 60 {
			t.Errorf("the cookie expires at %v, want about %v (the window)", c.Expires, want)
		}
		inTab(a, chromedp.Navigate(host+"/signup"))
		if again := attribution(a); again == nil || *again != *got {
			t.Errorf("on another page attribution() = %+v, want %+v", again, got)
		}

		// 2) A bad code on a later visit is ignored: A keeps alice's.
		inTab(a, chromedp.Navigate(host+"/?ref=zz%3Cb%3E12"))
		if again := attribution(a); again == nil || again.Code != code {
			t.Errorf("after a bad code attribution() = %+v, want alice's", again)
		}

		// 3) B, a fresh visitor, brings only bad values: nothing is kept.
		for _, q := range []string{"ref=abc", "ref=abcdefghi", "ref=abcd%201234", "ref=abcd-123", "ref=%3Cscript%3E",
			"via=" + code, "ref=&rh_click=06h00tjq40rh1yzrawcd5sacjw"} {
			inTab(b, chromedp.Navigate(host+"/?"+q))
			if got := attribution(b); got != nil {
				t.Errorf("?%s: attribution() = %+v, want null", q, got)
			}
		}
		if c := hostCookie(b, host); c != nil {
			t.Errorf("bad values set the cookie %+v", c)
		}

		// 4) data-param names the parameter; a mangled click id is dropped
		// but the code kept.
		inTab(b, chromedp.Navigate(host+"/custom?via="+code+"&rh_click=not-a-click-id"))
		if got := attribution(b); got == nil || got.Code != code || got.ClickID != nil {
			t.Errorf("data-param=via: attribution() = %+v, want code %s without click", got, code)
		}

		// 5) Tampered and stale cookies are ignored.
		old := time.Now().Add(-15 * 24 * time.Hour).Unix()
		for _, v := range []string{code + "..x", "abc..1", code + ".bogus." + fmt.Sprint(time.Now().Unix()),
			code + ".." + fmt.Sprint(old), code + ".." + fmt.Sprint(time.Now().Add(time.Hour).Unix()), code + "...1"} {
			inTab(b, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.cookie = "rh_attr=%s; Path=/"`, v)))
			if got := attribution(b); got != nil {
				t.Errorf("cookie %q: attribution() = %+v, want null", v, got)
			}
		}

		// 6) A referral link with ?to= records the click and lands on the
		// host page with the code and the click id, which the snippet keeps.
		inTab(b, chromedp.Navigate(s.srv.URL+"/r/"+code+"?to="+host+"/landing%3Fpromo%3Dspring"))
		loc := inTab(b, chromedp.Location())
		dest := mustURL(loc)
		click := dest.Query().Get("rh_click")
		if !strings.HasPrefix(loc, host+"/landing?promo=spring&ref="+code+"&rh_click=") || len(click) != 26 {
			t.Fatalf("the link led to %s", loc)
		}
		if got := attribution(b); got == nil || got.Code != code || got.ClickID == nil || *got.ClickID != click {
			t.Errorf("after the link attribution() = %+v, want code %s and click %s", got, code, click)
		}
		s.flushClicks(t)
		if n, err := db.Read().CountClicks(context.Background()); err != nil || n != 1 {
			t.Errorf("%d clicks stored, want 1 (%v)", n, err)
		}

		// 7) Once a signup has used it, ReferralHub.forget() drops it.
		inTab(b, chromedp.Evaluate[chromedp.Void](`window.ReferralHub.forget()`))
		if got := attribution(b); got != nil || hostCookie(b, host) != nil {
			t.Errorf("after forget() attribution() = %+v, cookie %+v; want none", got, hostCookie(b, host))
		}

		for _, tb := range []*tab{a, b} {
			tb.check()
		}
	})
}

// attribution returns what ReferralHub.attribution() says on the tab's
// page, nil for null.
func attribution(tb *tab) *snippetAttr {
	tb.t.Helper()
	return inTab(tb, chromedp.Evaluate[*snippetAttr](`window.ReferralHub.attribution()`))
}

// hostCookie returns the snippet's cookie for the host site, or nil.
func hostCookie(tb *tab, host string) *network.Cookie {
	tb.t.Helper()
	res := inTab(tb, func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{host + "/"}})
	})
	for _, c := range res.Cookies {
		if c.Name == "rh_attr" {
			return c
		}
	}
	return nil
}

// recent reports whether an ISO 8601 time is within a minute of now.
func recent(at string) bool {
	t, err := time.Parse(time.RFC3339, at)
	return err == nil && time.Since(t).Abs() < time.Minute
}
