package web_test

import (
	"fmt"
	"path"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestBrowserNetwork opens the network page in a real Chromium: clicking a
// member loads who they referred with htmx (once), "Show more" appends the
// next page in place, and no script error or CSP violation happens. It
// saves full-page screenshots.
func TestBrowserNetwork(t *testing.T) {
	chromium := findChromium(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		engine := path.Base(t.Name())
		s := newSite(t, db)
		root := s.browser(t)
		root.signup("rootie")
		kid := s.referredBy(t, root, "kiddo")
		s.referredBy(t, kid, "grandkid")
		for i := range 50 {
			s.apiFriend(t, root.participantID(), "f"+strconv.Itoa(i), "friend"+strconv.Itoa(i))
		}
		tb := openTab(t, startBrowser(t, chromium), "root")
		tb.login(s.srv.URL, "rootie", "password123")
		inTab(tb, chromedp.Click(chromedp.ID("network-link")))
		inTab(tb, chromedp.WaitVisible(chromedp.ID("network-total")))

		kidTree := fmt.Sprintf("#tree-%d", kid.participantID())
		inTab(tb, chromedp.Click(chromedp.CSS("details:has("+kidTree+") > summary")))
		name := inTab(tb, chromedp.Poll[string](
			fmt.Sprintf(`(e => e && e.textContent.trim())(document.querySelector(%q))`, kidTree+" li.member .member-name"),
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
		if name != "G." { // beyond her own referrals, people show as on the leaderboard
			t.Fatalf("opening kiddo shows %q, want G.", name)
		}

		inTab(tb, chromedp.Click(chromedp.CSS("#tree > li.more a")))
		n := inTab(tb, chromedp.Poll[int](`(n => n === 51 && n)(document.querySelectorAll("#tree > li.member").length)`,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
		if n != 51 || inTab(tb, chromedp.Evaluate[int](`document.querySelectorAll("#tree > li.more").length`)) != 0 {
			t.Fatalf("after Show more: %d people and a more link left", n)
		}
		shoot(t, tb, artifactsDir(t), "network-"+engine)
		tb.check()
	})
}
