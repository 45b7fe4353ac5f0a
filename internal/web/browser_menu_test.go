package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// atWidth lays the tab's page out width CSS pixels wide (as a phone below
// 600) and waits for the layout.
func (tb *tab) atWidth(width int64) {
	tb.t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	inTab(tb, chromedp.EmulateViewport(width, 700, opts...))
	inTab(tb, chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise))
}

// shown reports whether the element matching css is displayed.
func (tb *tab) shown(css string) bool {
	tb.t.Helper()
	return inTab(tb, chromedp.Evaluate[bool](fmt.Sprintf(`(e => !!e && e.getClientRects().length > 0)(document.querySelector(%q))`, css)))
}

// openMenuByKeyboard focuses the menu's summary and opens it with key,
// then checks every link in it is displayed inside width.
func (tb *tab) openMenuByKeyboard(menu, key string, width int64, links int) {
	tb.t.Helper()
	inTab(tb, chromedp.Focus(chromedp.CSS(menu+" > summary")))
	inTab(tb, chromedp.KeyEvent(key))
	if !inTab(tb, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).open`, menu))) {
		tb.t.Fatalf("%s did not open with the keyboard", menu)
	}
	outside := inTab(tb, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll(%q)]
		.filter(a => { const r = a.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > %d })
		.map(a => a.textContent.trim())`, menu+" .menu-list a, "+menu+" .menu-list button", width)))
	n := inTab(tb, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, menu+" .menu-list a, "+menu+" .menu-list button")))
	if n != links || len(outside) > 0 {
		tb.t.Errorf("%s at %d px: %d items (want %d), not shown within the width: %v", menu, width, n, links, outside)
	}
}

// TestBrowserMenusFitPhones: at 320 px the main navigation and the admin
// pages are menus that open with the keyboard and show every item within
// the width, the page never scrolls sideways, and at 1,366 px both are
// inline again.
func TestBrowserMenusFitPhones(t *testing.T) {
	chromium := findChromium(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		if _, err := s.svc.CreateUser(context.Background(), core.SignupInput{Email: "root@example.com", Username: "root",
			Password: "admin-password", IsAdmin: true}); err != nil {
			t.Fatal(err)
		}
		tb := openTab(t, startBrowser(t, chromium), "admin")
		tb.login(s.srv.URL, "root", "admin-password")

		tb.atWidth(320)
		if tb.shown(".nav-wide") || !tb.shown(".nav-menu > summary") {
			t.Fatal("at 320 px the inline navigation shows, or the menu does not")
		}
		if h := inTab(tb, chromedp.Evaluate[float64](`document.querySelector(".topbar").getBoundingClientRect().height`)); h > 72 {
			t.Errorf("the top bar is %.0f px high at 320 px: it wraps", h)
		}
		tb.openMenuByKeyboard(".nav-menu", kb.Enter, 320, 6) // Dashboard … Admin, Log out
		checkAxe(tb, "dashboard, 320 px, menu open")

		inTab(tb, chromedp.Navigate(s.srv.URL+"/admin"))
		tb.atWidth(320)
		if tb.shown(".subnav-wide") || !tb.shown(".subnav-menu > summary") {
			t.Fatal("at 320 px the inline admin navigation shows, or its menu does not")
		}
		if got := inTab(tb, chromedp.Evaluate[string](`document.querySelector(".subnav-menu > summary").textContent.trim()`)); got != "Admin: Users" {
			t.Errorf("admin menu says %q, want the page it is on", got)
		}
		tb.openMenuByKeyboard(".subnav-menu", " ", 320, 11)
		if over := inTab(tb, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); over > 0 {
			wide := inTab(tb, chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")].filter(e => !e.closest(".table-scroll *") && e.getBoundingClientRect().right > document.documentElement.clientWidth).slice(0, 8).map(e => e.tagName + "." + e.className + "#" + e.id)`))
			t.Errorf("at 320 px the admin page is %d px wider than the screen: %v", over, wide)
		}
		checkAxe(tb, "admin users, 320 px, menu open")

		tb.atWidth(1366)
		if !tb.shown(".nav-wide") || !tb.shown(".subnav-wide") || tb.shown(".nav-menu") || tb.shown(".subnav-menu") {
			t.Error("at 1,366 px the navigation is not inline")
		}
		tb.check()
	})
}
