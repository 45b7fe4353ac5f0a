package web_test

import (
	"strings"

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
