package web_test

import (
	"context"
	"strings"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chooseCode has the signed-in tab choose its link's code on the settings
// page: a refused code first, whose error the form shows and announces,
// then a good one; axe judges the form in both states.
func chooseCode(tb *tab, base, code string) {
	tb.t.Helper()
	inTab(tb, chromedp.Navigate(base+"/settings"))
	submit := func(typed, then string) {
		inTab(tb, chromedp.Evaluate[chromedp.Void](`document.getElementById("code").value = ""`))
		inTab(tb, chromedp.SendKeys(chromedp.ID("code"), typed))
		inTab(tb, chromedp.Steps(chromedp.Click(chromedp.CSS(`form[action="/settings/code"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID(then))))
	}
	submit("no", "code-error")
	if got := inTab(tb, chromedp.Text(chromedp.ID("code-error"))); got != "A code has 4 to 20 characters." {
		tb.t.Fatalf("settings page: a short code shows %q", got)
	}
	checkAxe(tb, "settings, a refused code")
	submit(code, "code-chosen")
	if got := inTab(tb, chromedp.Text(chromedp.ID("current-link"))); !strings.HasSuffix(got, "/r/"+code) {
		tb.t.Fatalf("settings page: the link is %q after choosing %s", got, code)
	}
	checkAxe(tb, "settings, code chosen")
}

// checkPreviewPage opens link as a link-preview bot would (its user
// agent), in a tab of its own: the page it gets names who invites, and
// axe judges it.
func checkPreviewPage(tb *tab, link, want string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride,
		emulation.SetUserAgentOverrideParams{UserAgent: "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"}); err != nil {
		tb.t.Fatal(err)
	}
	inTab(tb, chromedp.Navigate(link))
	if got := inTab(tb, chromedp.Text(chromedp.CSS("h1"))); got != want {
		tb.t.Fatalf("the preview page says %q, want %q", got, want)
	}
	checkAxe(tb, "a referral link's preview page")
}
