package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// embedHostScript is the host page's own script: it mounts the embedded
// page with the token and theme from its address, and keeps the events.
const embedHostScript = `window.events = [];
var params = new URLSearchParams(location.search);
window.mounted = ReferralHub.mountReferrals(document.getElementById("referrals"), {
  token: params.get("token"), theme: params.get("theme") || "system",
  onEvent: function (e) { window.events.push(e); }
});`

// embedHost serves a host page, on localhost (another site than
// ReferralHub's 127.0.0.1), under a strict CSP that allows ReferralHub's
// origin in script-src and frame-src only, as docs/integration.md says.
func embedHost(t *testing.T, rh string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/host.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, embedHostScript)
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' "+rh+"; frame-src "+rh+"; style-src 'self'")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Shop</title><body><nav><a id="home" href="/">Shop</a></nav><main><h1>Refer a friend</h1>`+
				`<div id="referrals"></div></main><script src="%s/embed.js"></script><script src="/host.js"></script></body></html>`, rh)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// hostEvents returns the event types the host page's onEvent got, with
// their channel or what.
func hostEvents(tb *tab) []string {
	tb.t.Helper()
	return inTab(tb, chromedp.Evaluate[[]string](`window.events.map(e => [e.type, e.channel, e.what].filter(Boolean).join(" "))`))
}

// waitEvents waits until the host page has seen n events.
func waitEvents(tb *tab, n int) []string {
	tb.t.Helper()
	inTab(tb, chromedp.Poll[bool](fmt.Sprintf(`window.events && window.events.length >= %d`, n),
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	return hostEvents(tb)
}

// attachFrame attaches to the tab's cross-site frame of ReferralHub, which
// Chromium runs in a process (a target) of its own.
func attachFrame(t *testing.T, host *tab, rh string) *tab {
	t.Helper()
	var id target.ID
	deadline := time.Now().Add(20 * time.Second)
	for id == "" && time.Now().Before(deadline) {
		infos, err := chromedp.Targets(host.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, rh+"/embed/referrals") {
				id = info.TargetID
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if id == "" {
		t.Fatalf("no frame of %s in the host page", rh)
	}
	ctx, cancel := chromedp.NewContext(host.ctx, chromedp.WithTargetID(id))
	t.Cleanup(cancel)
	frame := &tab{t: t, name: host.name + "'s frame", ctx: ctx}
	if err := chromedp.Listen(ctx, frame.onEvent); err != nil {
		t.Fatal(err)
	}
	return frame
}

// frameHeight returns the frame element's height on the host page and the
// height of the page inside it.
func frameHeight(host, frame *tab) (outer, inner float64) {
	host.t.Helper()
	outer = inTab(host, chromedp.Evaluate[float64](`document.querySelector("#referrals iframe").getBoundingClientRect().height`))
	inner = inTab(frame, chromedp.Evaluate[float64](`Math.ceil(document.documentElement.getBoundingClientRect().height)`))
	return outer, inner
}

// waitFitted waits until the frame is as tall as the page in it.
func waitFitted(t *testing.T, host, frame *tab, what string) float64 {
	t.Helper()
	return waitFittedAgain(t, host, frame, what, 0)
}

// waitFittedAgain is waitFitted for a change of layout: it waits for the
// fitted height to differ from before (the frame may still be fitted to
// the old layout for a moment), and gives the height it has after 10
// seconds either way, for the caller to judge.
func waitFittedAgain(t *testing.T, host, frame *tab, what string, before float64) float64 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		outer, inner := frameHeight(host, frame)
		fitted := outer == inner && inner > 200
		if fitted && (before == 0 || outer != before || time.Now().After(deadline)) {
			return outer
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the frame is %v px tall, its page %v px", what, outer, inner)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setWidth lays the host page out width CSS pixels wide.
func setWidth(tb *tab, width int64) {
	tb.t.Helper()
	inTab(tb, chromedp.EmulateViewport(width, 900, chromedp.EmulateScale(1)))
}

// TestBrowserEmbed runs the embedded referral page in a real Chromium, in
// a host page of another site with a strict CSP, with third-party cookies
// blocked: the frame loads and tells the host, sizes itself to its page at
// 320 and 1,200 px, a Copy (by mouse, then by keyboard alone) and a share
// fire their events, a redeem inside the frame works, the host changes its
// theme, and axe finds no serious or critical violation in light or dark,
// at either width.
func TestBrowserEmbed(t *testing.T) {
	chromium := findChromium(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		engine := path.Base(t.Name())
		s := newEmbedSite(t, db, time.Now, siteOptions{})
		host := embedHost(t, s.srv.URL)
		s.program(t, func(p *referralhub.Program) { p.EmbedOrigins = []string{host} })
		ann := s.token(t, "ann", "")
		bob := s.token(t, "bob", participantCode(t, s, ann.ParticipantID))
		root := startBrowser(t, chromium)
		h := openTab(t, root, "host")
		inTab(h, func(ctx context.Context, tg *chromedp.Target) (cdp.Empty, error) {
			return cdp.Call(ctx, tg, network.SetCookieControls, network.SetCookieControlsParams{EnableThirdPartyCookieRestriction: true})
		})
		grantClipboard(t, h, s.srv.URL)
		setWidth(h, 1200)

		// 1) The frame loads, says it is ready, and fits its page.
		inTab(h, chromedp.Navigate(host+"/?"+url.Values{"token": {bob.Token}, "theme": {"light"}}.Encode()))
		if got := waitEvents(h, 1); got[0] != "referralhub:ready" {
			t.Fatalf("the host's first event is %q, want referralhub:ready", got)
		}
		f := attachFrame(t, h, s.srv.URL)
		inTab(f, chromedp.WaitVisible(chromedp.ID("referral-link")))
		wide := waitFitted(t, h, f, "at 1,200 px")
		// Third-party cookies are blocked: the frame cannot keep one. It
		// can keep a partitioned cookie (CHIPS), so the probe itself works.
		if cookieProbe(f, "") {
			t.Errorf("the frame could keep a cookie: third-party cookies are not blocked")
		}
		if !cookieProbe(f, "; Partitioned") {
			t.Errorf("the frame could not keep a partitioned cookie either: the cookie probe tells nothing")
		}
		if c := inTab(f, chromedp.Evaluate[string](`document.cookie`)); c != "" {
			t.Errorf("the frame has cookies %q", c)
		}

		// 2) Narrower, the page is taller, and the frame follows.
		setWidth(h, 320)
		narrow := waitFittedAgain(t, h, f, "at 320 px", wide)
		if narrow <= wide {
			t.Errorf("the frame is %v px tall at 320 px and %v px at 1,200: it did not follow its page", narrow, wide)
		}
		if over := inTab(f, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); over > 0 {
			t.Errorf("at 320 px the page is %d px wider than its frame", over)
		}

		// 3) Copy, by mouse, then by keyboard alone from the host page.
		inTab(f, chromedp.Click(chromedp.ID("copy-link")))
		if got := waitEvents(h, 2); got[1] != "referralhub:copy link" {
			t.Errorf("after Copy the host got %q", got)
		}
		// From the host's last link before the frame: the link's field,
		// Copy, and press it.
		inTab(h, chromedp.Evaluate[chromedp.Void](`document.getElementById("home").focus()`))
		for _, next := range []string{"referral-link", "copy-link"} {
			inTab(h, chromedp.KeyEvent("\t"))
			inTab(f, chromedp.Poll[bool](fmt.Sprintf(`document.hasFocus() && document.activeElement.id === %q`, next),
				chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second)))
		}
		inTab(h, chromedp.KeyEvent("\r"))
		if got := waitEvents(h, 3); got[2] != "referralhub:copy link" {
			t.Errorf("after Copy by keyboard the host got %q", got)
		}

		// 4) A share link tells the host its channel (the window it would
		// open is held back).
		inTab(f, chromedp.Evaluate[chromedp.Void](`document.addEventListener("click", e => {
			if (e.target.closest("a[data-share]")) e.preventDefault();
		}, true)`))
		inTab(f, chromedp.Click(chromedp.CSS(`a[data-share="whatsapp"]`)))
		if got := waitEvents(h, 4); got[3] != "referralhub:share whatsapp" {
			t.Errorf("after the WhatsApp link the host got %q", got)
		}

		// A message like the page's from anywhere but the frame is ignored.
		inTab(h, chromedp.Evaluate[chromedp.Void](`window.postMessage({type: "referralhub:share", channel: "forged"}, "*");
			window.postMessage({type: "referralhub:resize", height: 5}, "*")`))
		time.Sleep(300 * time.Millisecond)
		if got := hostEvents(h); len(got) != 4 {
			t.Errorf("a message from the host page itself reached onEvent: %q", got)
		}
		if outer, _ := frameHeight(h, f); outer == 5 {
			t.Errorf("a message from the host page itself resized the frame")
		}

		// 5) Redeem inside the frame: the page comes back, ready again,
		// with the reward redeemed; no cookie was needed.
		setWidth(h, 1200)
		inTab(f, chromedp.Click(chromedp.CSS(`#rewards form[action$="/redeem"] button`)))
		if got := waitEvents(h, 5); got[4] != "referralhub:ready" {
			t.Fatalf("after Redeem the host got %q", got)
		}
		inTab(f, chromedp.WaitVisible(chromedp.CSS("#rewards .status-redeemed")))
		if status := strings.TrimSpace(inTab(f, chromedp.Text(chromedp.CSS("#rewards .status")))); status != "Redeemed" {
			t.Errorf("after Redeem the reward says %q", status)
		}
		if rs := rewardsOf(t, s, bob.ParticipantID); rs[0].Status != referralhub.StatusRedeemed {
			t.Errorf("bob's reward is %s after Redeem", rs[0].Status)
		}
		waitFitted(t, h, f, "after Redeem")

		// 6) The host switches the theme; axe judges light and dark at
		// both widths; screenshots of each.
		dir, shots := artifactsDir(t), openTab(t, root, "screenshots")
		for _, theme := range []string{"light", "dark"} {
			inTab(h, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`window.mounted.setTheme(%q)`, theme)))
			inTab(f, chromedp.Poll[bool](fmt.Sprintf(`document.documentElement.dataset.theme === %q`, theme),
				chromedp.WithPollingTimeout(5*time.Second)))
			for _, width := range []int64{320, 1200} {
				setWidth(h, width)
				waitFitted(t, h, f, fmt.Sprintf("%s at %d px", theme, width))
				checkAxe(f, fmt.Sprintf("the embedded page, %s, %d px", theme, width))
				file := filepath.Join(dir, fmt.Sprintf("embed-%s-%s-%d.png", engine, theme, width))
				// Chromium leaves a cross-site frame out of the host's
				// screenshot: the page is shot on its own, as it is framed.
				inTab(shots, chromedp.Navigate(s.srv.URL+embedPage(bob.Token, theme, "")))
				if err := os.WriteFile(file, shots.screenshot(width), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}

		for _, tb := range []*tab{h, f, shots} {
			tb.check()
		}
	})
}

// cookieProbe tries to keep a cookie in the frame as a third-party
// context must (SameSite=None; Secure: 127.0.0.1 counts as secure), with
// more attributes, and reports whether it stuck. It leaves none behind.
func cookieProbe(frame *tab, attrs string) bool {
	frame.t.Helper()
	return inTab(frame, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		document.cookie = "rh_probe=1; SameSite=None; Secure; Path=/%[1]s";
		const kept = document.cookie.includes("rh_probe=1");
		document.cookie = "rh_probe=; Max-Age=0; SameSite=None; Secure; Path=/%[1]s";
		return kept;
	})()`, attrs)))
}
