package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// allowShops lets referral links lead to shop.example and the subdomains
// of example.org.
func allowShops(p *referralhub.Program) {
	p.AllowedRedirectHosts = []string{"shop.example", "*.example.org"}
}

// follow opens a referral link with ?to=dest in a fresh browser and returns
// where it was sent and the browser.
func follow(t *testing.T, s *site, path, dest string) (string, *browser) {
	t.Helper()
	b := s.browser(t)
	resp, _ := b.get(path + "?" + url.Values{"to": {dest}}.Encode())
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("to=%q: status %d, want 302", dest, resp.StatusCode)
	}
	return resp.Header.Get("Location"), b
}

// attributedClick returns the code and click id of a browser's signed
// attribution cookie ("code.clickid.unix.signature").
func attributedClick(t *testing.T, b *browser) (code, clickID string) {
	t.Helper()
	c := b.cookie("rh_ref")
	if c == nil {
		t.Fatal("no attribution cookie")
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 4 {
		t.Fatalf("attribution cookie %q", c.Value)
	}
	return parts[0], parts[1]
}

// TestClickRedirectsToAllowedHosts follows links whose ?to= names an allowed
// host: each gets a 302 there with ref and rh_click added to the page's own
// query, the click is recorded as usual and its id is the one a signup
// through it is linked to.
func TestClickRedirectsToAllowedHosts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		s.saveProgram(t, allowShops)
		alice := s.browser(t)
		alice.signup("alice")
		path := strings.TrimPrefix(alice.link(), s.srv.URL)
		code := strings.TrimPrefix(path, "/r/")
		for _, c := range []struct{ dest, want string }{
			{"https://shop.example/landing", "https://shop.example/landing?ref={code}&rh_click={click}"},
			{"https://shop.example/landing?utm_source=mail&x=a%20b&flag#top",
				"https://shop.example/landing?utm_source=mail&x=a%20b&flag&ref={code}&rh_click={click}#top"},
			{"https://shop.example/?ref=someone1&rh_click=forged&r%65f=x&keep=1",
				"https://shop.example/?keep=1&ref={code}&rh_click={click}"},
			{"http://shop.example:8080", "http://shop.example:8080?ref={code}&rh_click={click}"},
			{"HTTPS://SHOP.EXAMPLE/Path", "https://shop.example/Path?ref={code}&rh_click={click}"},
			{"https://shop.example#@evil.example", "https://shop.example?ref={code}&rh_click={click}#@evil.example"},
			{"https://www.example.org/a/b", "https://www.example.org/a/b?ref={code}&rh_click={click}"},
			{"https://a.b.example.org/", "https://a.b.example.org/?ref={code}&rh_click={click}"},
		} {
			loc, b := follow(t, s, path, c.dest)
			gotCode, click := attributedClick(t, b)
			want := strings.NewReplacer("{code}", code, "{click}", click).Replace(c.want)
			if gotCode != code || loc != want {
				t.Errorf("to=%q: Location %q, want %q", c.dest, loc, want)
			}
		}

		// The click behind the last link is recorded and a signup through
		// it is linked to the id the destination received.
		loc, bob := follow(t, s, path, "https://shop.example/")
		click := mustURL(loc).Query().Get("rh_click")
		s.flushClicks(t)
		if n, err := db.Read().CountClicks(context.Background()); err != nil || n != 9 {
			t.Fatalf("%d clicks stored, want 9 (%v)", n, err)
		}
		bob.signup("bob")
		_, p, err := s.svc.Authenticate(context.Background(), bob.cookie("rh_session").Value)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := db.Read().ReferralOf(context.Background(), p.ID)
		if err != nil || ref.ClickID != click {
			t.Fatalf("bob's referral %+v (%v), want click %s", ref, err, click)
		}
		if _, body := alice.get("/"); stat(t, body, "stat-clicks") != "9" {
			t.Errorf("alice's dashboard counts %s clicks, want 9", stat(t, body, "stat-clicks"))
		}
	})
}

// TestClickRefusesOpenRedirects tries destinations that are not allowed,
// or that a browser could read as another host than the server does: each
// link behaves as one without ?to= (cookie, click recorded, 302 to the
// signup page). Unknown codes, bots and HEAD requests ignore ?to= too.
func TestClickRefusesOpenRedirects(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		s.saveProgram(t, allowShops)
		alice := s.browser(t)
		alice.signup("alice")
		path := strings.TrimPrefix(alice.link(), s.srv.URL)
		attacks := []string{
			"", "https://evil.example/", "//evil.example/", "///evil.example", "/\\evil.example", "/signup",
			"https:evil.example", "https:/shop.example", "https:///shop.example", "shop.example",
			"javascript:alert(1)", "JavaScript://shop.example/%0aalert(1)", "data:text/html,<script>alert(1)</script>",
			"ftp://shop.example/", "wss://shop.example/",
			// Not on the list.
			"https://shop.example.evil.example/", "https://evilshop.example/", "https://sub.shop.example/",
			"https://example.org/", "https://evilexample.org/", "https://example.org.evil.example/",
			"https://evil.example?.shop.example", "https://evil.example#.shop.example", "https://evil.example/.shop.example",
			// User info, backslashes and escapes, where parsers disagree.
			"https://shop.example@evil.example/", "https://evil.example@shop.example/", "https://@shop.example/",
			"https://shop.example\\@evil.example/", "https:\\\\shop.example", "https://evil.example\\.shop.example/",
			"https://shop.example%2eevil.example/", "https://%73hop.example/", "https://shop.example%00.evil.example/",
			"https://shop.example%2F@evil.example/",
			// Whitespace and control characters, which browsers strip.
			" https://shop.example/", "https://shop.example/ ", "\thttps://shop.example/", "https://shop.exa\nmple/",
			"https://shop.example\r\nSet-Cookie: x=1", "https://shop.example/\x00",
			// International names and look-alikes.
			"https://shöp.example/", "https://xn--shp-sna.example/", "https://shop\u3002example/", "https://ｓｈｏｐ.example/",
			"https://shop.example\u2024evil/", "https://www.example\uff0eorg/",
			// Odd hosts and ports.
			"https://shop.example./", "https://shop.example:/", "https://shop.example:99999/", "https://shop.example:0/",
			"https://shop.example:80:80/", "https://[::1]/", "https://127.0.0.1/", "https://shop.example:x/",
			"https://" + strings.Repeat("a", 3000) + ".shop.example/",
		}
		for _, dest := range attacks {
			loc, b := follow(t, s, path, dest)
			if loc != "/signup" || b.cookie("rh_ref") == nil {
				t.Errorf("to=%q: Location %q, attribution cookie %v; want /signup with a cookie", dest, loc, b.cookie("rh_ref"))
			}
		}
		// Two destinations are ambiguous: neither is used.
		resp, _ := s.browser(t).get(path + "?to=https://shop.example/&to=https://evil.example/")
		if loc := resp.Header.Get("Location"); loc != "/signup" {
			t.Errorf("two destinations: Location %q, want /signup", loc)
		}
		s.flushClicks(t)
		if n, err := db.Read().CountClicks(context.Background()); err != nil || n != int64(len(attacks)+1) {
			t.Errorf("%d clicks stored, want %d (%v)", n, len(attacks)+1, err)
		}

		allowed := "?to=" + url.QueryEscape("https://shop.example/")
		if resp, _ := s.browser(t).get("/r/zzzzzzzz" + allowed); resp.Header.Get("Location") != "/signup?link=unknown" {
			t.Errorf("unknown code: Location %q, want /signup?link=unknown", resp.Header.Get("Location"))
		}
		bot := s.browser(t)
		req, _ := http.NewRequest("GET", s.srv.URL+path+allowed, nil)
		req.Header.Set("User-Agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
		if resp, _ := bot.do(req); resp.StatusCode != http.StatusOK || bot.cookie("rh_ref") != nil {
			t.Errorf("bot: %d, cookie %v; want the preview page without one", resp.StatusCode, bot.cookie("rh_ref"))
		}
		head, _ := http.NewRequest("HEAD", s.srv.URL+path+allowed, nil)
		if resp, _ := s.browser(t).do(head); resp.Header.Get("Location") != "/signup" {
			t.Errorf("HEAD: Location %q, want /signup", resp.Header.Get("Location"))
		}
		if resp, _ := alice.get(path + allowed); resp.Header.Get("Location") != "/" {
			t.Errorf("own link: Location %q, want /", resp.Header.Get("Location"))
		}
	})
}

// TestClickWithoutAllowedHostsIgnoresTo checks the default program, which
// allows no host: every ?to= is ignored.
func TestClickWithoutAllowedHostsIgnoresTo(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		alice := s.browser(t)
		alice.signup("alice")
		path := strings.TrimPrefix(alice.link(), s.srv.URL)
		if loc, _ := follow(t, s, path, "https://shop.example/"); loc != "/signup" {
			t.Errorf("Location %q, want /signup", loc)
		}
	})
}

// TestAdminProgramRedirectHosts saves the allowed hosts through the program
// form: typed with commas, line breaks, capitals and repeats they are kept
// as a clean list, shown one per line and named in the history; a name
// that is no host name is refused beside its field with the form kept.
func TestAdminProgramRedirectHosts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		form := loadProgramForm(t, admin)
		if _, ok := form["redirect_hosts"]; !ok || form.Get("redirect_hosts") != "" {
			t.Fatalf("the form has no empty redirect_hosts: %q", form["redirect_hosts"])
		}
		form.Set("redirect_hosts", " Shop.Example, *.example.org\r\nshop.example\n\nxn--shp-sna.example ")
		saveProgramForm(t, admin, form)
		want := []string{"shop.example", "*.example.org", "xn--shp-sna.example"}
		if got := programNow(t, s).AllowedRedirectHosts; !reflect.DeepEqual(got, want) {
			t.Fatalf("saved hosts %q, want %q", got, want)
		}
		form = loadProgramForm(t, admin)
		if got := form.Get("redirect_hosts"); got != strings.Join(want, "\n") {
			t.Errorf("the form shows %q", got)
		}
		if _, body := admin.get("/admin/program"); !strings.Contains(body, "<td>root</td><td>Changed the redirect hosts.</td>") {
			t.Errorf("history does not name the change")
		}

		before := programNow(t, s)
		tooMany := make([]string, core.MaxRedirectHosts)
		for i := range tooMany {
			tooMany[i] = fmt.Sprintf("h%d.example", i)
		}
		for _, bad := range []string{"https://shop.example/", "shop.example:8080", "*.com", "shop_example.com",
			"shöp.example", "-shop.example", "shop..example", "*.*.example.org", "shop.example/path", "a@b.example",
			strings.Join(tooMany, "\n")} {
			form := loadProgramForm(t, admin)
			form.Set("redirect_hosts", "good.example\n"+bad)
			resp, body := admin.post("/admin/program", form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="redirect_hosts-error">`) {
				t.Errorf("%.40q: status %d, no message beside the field", bad, resp.StatusCode)
				continue
			}
			if kept := scrapeForm(t, body, "/admin/program").Get("redirect_hosts"); kept != "good.example\n"+bad {
				t.Errorf("%.40q: the form came back with %.40q", bad, kept)
			}
		}
		if after := programNow(t, s); !reflect.DeepEqual(before, after) {
			t.Errorf("refused hosts changed the program: %q", after.AllowedRedirectHosts)
		}

		form = loadProgramForm(t, admin)
		form.Set("redirect_hosts", "")
		saveProgramForm(t, admin, form)
		if got := programNow(t, s).AllowedRedirectHosts; got != nil {
			t.Errorf("cleared hosts saved as %q", got)
		}
	})
}
