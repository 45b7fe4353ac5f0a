package web_test

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeVersion is the vendored axe-core's version (testdata/axe/README.md
// says how to update it); checkAxe makes sure the file is that one.
const axeVersion = "4.14.1"

// axeSource is testdata/axe/axe.min.js, read once per test binary.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile("testdata/axe/axe.min.js")
	return string(b), err
})

// axeViolation is one rule axe found broken, with where.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun runs axe on the page's document (frames left out: a cross-site
// frame is checked in its own target) and keeps the serious and critical
// violations, with the first three places of each.
const axeRun = `axe.run(document, {iframes: false, resultTypes: ["violations"]}).then(r => r.violations
	.filter(v => v.impact === "serious" || v.impact === "critical")
	.map(v => ({id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " "))})))`

// checkAxe injects axe-core into the page tb shows (a tab, or a frame
// attached as one) and fails the test for each serious or critical
// violation; what names the page and its state in the failures. The page
// must be loaded and laid out as it is to be judged.
func checkAxe(tb *tab, what string) {
	tb.t.Helper()
	found := axeViolations(tb)
	for _, v := range found {
		tb.t.Errorf("axe, %s: %s (%s): %s\n\t%s", what, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
	if len(found) == 0 {
		tb.t.Logf("axe, %s: no serious or critical violation", what)
	}
}

// axeViolations runs axe-core on the page tb shows and returns its
// serious and critical violations.
func axeViolations(tb *tab) []axeViolation {
	tb.t.Helper()
	src, err := axeSource()
	if err != nil {
		tb.t.Fatalf("axe: %v", err)
	}
	if !strings.Contains(src[:min(len(src), 200)], "axe v"+axeVersion) {
		tb.t.Fatalf("testdata/axe/axe.min.js is not axe-core %s", axeVersion)
	}
	// DevTools evaluation is not held to the page's CSP, so a page that
	// forbids inline scripts is checked as it is served.
	inTab(tb, chromedp.Evaluate[chromedp.Void]("if (!window.axe) {\n"+src+"\n}"))
	return inTab(tb, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
}

// TestAxeFindsViolations runs axeViolations on a page built to break two
// serious rules: it must report both, so a clean run means something.
func TestAxeFindsViolations(t *testing.T) {
	chromium := findChromium(t)
	page := openTab(t, startBrowser(t, chromium), "axe")
	inTab(page, chromedp.Navigate(`data:text/html,<html lang="en"><title>t</title><img src="x.png">`+
		`<p style="color:%23777;background:%23888">low contrast</p></html>`))
	ids := map[string]bool{}
	for _, v := range axeViolations(page) {
		ids[v.ID] = true
	}
	if !ids["image-alt"] || !ids["color-contrast"] {
		t.Errorf("axe found %v, want image-alt and color-contrast", ids)
	}
}
