package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestBrowserBrandingPreviewIsLive types into the branding form: the
// preview follows the name, headline and colour at once, and no request
// leaves the page.
func TestBrowserBrandingPreviewIsLive(t *testing.T) {
	chromium := findChromium(t)
	s := newSite(t, storagetest.Open(t, "sqlite"))
	if _, err := s.svc.CreateUser(context.Background(), core.SignupInput{Email: "root@example.com", Username: "root",
		Password: "admin-password", IsAdmin: true}); err != nil {
		t.Fatal(err)
	}
	tb := openTab(t, startBrowser(t, chromium), "admin")
	tb.login(s.srv.URL, "root", "admin-password")
	inTab(tb, chromedp.Navigate(s.srv.URL+"/admin/branding"))
	inTab(tb, chromedp.WaitVisible(chromedp.CSS(`#preview-frame[data-live="true"]`)))
	requests := `performance.getEntriesByType("resource").length`
	before := inTab(tb, chromedp.Evaluate[int](requests))

	inTab(tb, chromedp.Evaluate[chromedp.Void](`["product_name", "headline"].forEach(id => { document.getElementById(id).value = ""; })`))
	inTab(tb, chromedp.Steps(
		chromedp.SendKeys(chromedp.ID("product_name"), "Acme"),
		chromedp.SendKeys(chromedp.ID("headline"), "Tell a friend. Both win."),
	))
	inTab(tb, chromedp.Evaluate[chromedp.Void](`(c => { c.value = "#ffd60a"; c.dispatchEvent(new Event("input", {bubbles: true})); })(document.getElementById("color"))`))

	if got := inTab(tb, chromedp.Text(chromedp.ID("preview-name"))); got != "Acme" {
		t.Errorf("preview name %q, want what was typed", got)
	}
	if got := inTab(tb, chromedp.Text(chromedp.CSS("#preview-headline .accent"))); got != "Both win." {
		t.Errorf("preview headline accent %q, want the part after the first sentence", got)
	}
	brand := inTab(tb, chromedp.Evaluate[string](`getComputedStyle(document.getElementById("preview-frame")).getPropertyValue("--brand").trim()`))
	on := inTab(tb, chromedp.Evaluate[string](`getComputedStyle(document.getElementById("preview-frame")).getPropertyValue("--on-brand").trim()`))
	if !strings.EqualFold(brand, "#ffd60a") || on != "#111827" {
		t.Errorf("preview colours %q on %q, want yellow with dark text", brand, on)
	}
	if after := inTab(tb, chromedp.Evaluate[int](requests)); after != before {
		t.Errorf("typing in the form made %d requests, want none", after-before)
	}
	checkAxe(tb, "branding with the preview changed")
	tb.check()
}
