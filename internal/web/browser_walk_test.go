package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// walkVariant is one way of looking at every page: a width and a colour
// scheme. (Languages come as a third dimension with the catalogs: add a
// field here and a loop in walkVariants.)
type walkVariant struct {
	width  int64
	scheme string // prefers-color-scheme: "light" or "dark"
}

func (v walkVariant) String() string { return fmt.Sprintf("%s, %d px", v.scheme, v.width) }

// walkVariants is every combination the page walk judges.
func walkVariants() []walkVariant {
	var out []walkVariant
	for _, scheme := range []string{"light", "dark"} {
		for _, width := range []int64{390, 1366} {
			out = append(out, walkVariant{width: width, scheme: scheme})
		}
	}
	return out
}

// setScheme makes the tab's pages see prefers-color-scheme as scheme.
func (tb *tab) setScheme(scheme string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		tb.t.Fatalf("emulate %s: %v", scheme, err)
	}
}

// TestBrowserEveryPageAxe walks every page (as a visitor, as a participant
// with a referral and as an admin) at 390 and 1,366 px in the light and the
// dark scheme, and fails on any serious or critical axe violation. Pages do
// not depend on the engine, so it runs on SQLite only.
func TestBrowserEveryPageAxe(t *testing.T) {
	chromium := findChromium(t)
	s := newSite(t, storagetest.Open(t, "sqlite"))
	alice := s.browser(t)
	alice.signup("alice")
	referredSignup(t, s, alice, "bob")
	admin := adminBrowser(t, s)
	alicePage := userPagePath(t, admin, "alice")

	visitorPages := []string{"/", "/login", "/signup", "/password-reset", "/password-reset/confirm?token=bogus", "/no-such-page"}
	participantPages := []string{"/", "/rewards", "/leaderboard", "/network", "/settings", "/settings/delete"}
	adminPages := []string{"/admin", alicePage, "/admin/program", "/admin/jobs", "/admin/analytics", "/admin/fraud",
		"/admin/review", "/admin/audit", "/admin/api-keys", "/admin/webhooks", "/admin/integrations/stripe", "/admin/branding"}

	for _, v := range walkVariants() {
		t.Run(strings.ReplaceAll(v.String(), " ", ""), func(t *testing.T) {
			root := startBrowser(t, chromium)
			visitor, participant, adm := openTab(t, root, "visitor"), openTab(t, root, "alice"), openTab(t, root, "root")
			participant.login(s.srv.URL, "alice", "password123")
			adm.login(s.srv.URL, "root", "admin-password")
			for _, walk := range []struct {
				tb    *tab
				who   string
				pages []string
			}{{visitor, "visitor", visitorPages}, {participant, "participant", participantPages}, {adm, "admin", adminPages}} {
				walk.tb.setScheme(v.scheme)
				walk.tb.atWidth(v.width)
				for _, path := range walk.pages {
					inTab(walk.tb, chromedp.Navigate(s.srv.URL+path))
					walk.tb.atWidth(v.width)
					checkAxe(walk.tb, fmt.Sprintf("%s %s, %s", walk.who, path, v))
				}
				walk.tb.check()
			}
		})
	}
}
