package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestReferAFriend runs the shop's "Refer a friend" page against a real
// ReferralHub: the admin lets the shop's site embed the referral page,
// a customer signs up at the shop, and their "Refer a friend" page, whose
// backend mints the token, shows ReferralHub's page in a frame that says
// it is ready and sizes itself, in a browser that blocks third-party
// cookies, the shop being another site (localhost) than ReferralHub
// (127.0.0.1).
func TestReferAFriend(t *testing.T) {
	chromium := findChromium(t)
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := startHub(t, engine)
			key := h.run(t, "api-key", "create", "--name", "shop", "--scope", "write")
			app := New(Config{Base: h.base, APIKey: key}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			srv := httptest.NewServer(app)
			t.Cleanup(srv.Close)
			shop := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

			tab := newBrowser(t, chromium)
			run := func(what string, a chromedp.Action[chromedp.Void]) {
				t.Helper()
				if _, err := chromedp.Run(tab, a); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			// The admin lists the shop under "Sites that may embed the referral page".
			run("admin login", chromedp.Steps(
				chromedp.Navigate(h.base+"/login"),
				chromedp.SendKeys(chromedp.ID("login"), "admin"),
				chromedp.SendKeys(chromedp.ID("password"), "admin-password"),
				chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.ID("referral-link")), // the dashboard: logged in
				chromedp.Navigate(h.base+"/admin/program"),
				chromedp.SetValue(chromedp.ID("embed_origins"), shop),
				chromedp.Click(chromedp.CSS(`form.program-form > button[type="submit"]`)),
			))
			waitLocation(t, tab, h.base+"/admin/program?saved=1")
			if saved, err := chromedp.Run(tab, chromedp.Value(chromedp.ID("embed_origins"))); err != nil || saved != shop {
				t.Fatalf("embed origins saved as %q (%v), want %s", saved, err, shop)
			}
			// A customer signs up at the shop and opens "Refer a friend".
			run("sign up at the shop", chromedp.Steps(
				chromedp.Navigate(shop+"/"),
				chromedp.SendKeys(chromedp.CSS(`input[name=email]`), "carol@shop.test"),
				chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "Carol"),
				chromedp.Click(chromedp.CSS(`#signup button`)),
				chromedp.WaitVisible(chromedp.ID("refer-link")),
				chromedp.Click(chromedp.ID("refer-link")),
				chromedp.WaitReady(chromedp.ID("referrals")),
			))
			if _, err := chromedp.Run(tab, chromedp.Poll[bool](`[...document.querySelectorAll("#events li")].some(li => li.textContent === "referralhub:ready")`,
				chromedp.WithPollingTimeout(20*time.Second))); err != nil {
				t.Fatalf("the embedded page never said it was ready: %v", err)
			}
			height, err := chromedp.Run(tab, chromedp.Poll[float64](`(h => h !== 480 && h)(document.querySelector("#referrals iframe").getBoundingClientRect().height)`,
				chromedp.WithPollingTimeout(10*time.Second)))
			if err != nil || height < 300 {
				t.Errorf("the frame is %v px tall (%v): it did not size itself to the page", height, err)
			}
			p, err := app.api.Participant(context.Background(), "shop-1")
			if err != nil || p.Code == "" {
				t.Errorf("carol in ReferralHub: %+v, %v", p, err)
			}
		})
	}
}

// waitLocation waits until the tab has navigated to want, as after a
// form's redirect (a poll in the page would die with the navigation).
func waitLocation(t *testing.T, tab context.Context, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		loc, err := chromedp.Run(tab, chromedp.Location())
		if err == nil && loc == want {
			if _, err := chromedp.Run(tab, chromedp.WaitReady(chromedp.CSS("body"))); err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tab is at %q (%v), want %s", loc, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// newBrowser starts a headless Chromium that blocks third-party cookies,
// for the length of the test, and returns its first tab.
func newBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("test-third-party-cookie-phaseout", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tab); err != nil {
		t.Fatal(err)
	}
	return tab
}
