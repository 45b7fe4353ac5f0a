package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// Environment of the browser test.
const (
	// envChromium names the Chromium binary; /usr/bin/chromium otherwise.
	envChromium = "REFERRALHUB_CHROMIUM"
	// envTestBrowser=1 turns a missing Chromium into a failure (CI sets it).
	envTestBrowser = "REFERRALHUB_TEST_BROWSER"
	// envArtifacts is where the screenshots go; a temporary dir otherwise.
	envArtifacts = "REFERRALHUB_ARTIFACTS"
)

const (
	// stepTimeout bounds each browser step, so that a hung browser fails
	// the test instead of stalling CI.
	stepTimeout = 60 * time.Second
	// browserTimeout bounds the whole browser session of one engine,
	// including the start of the browser and of each tab.
	browserTimeout = 3 * time.Minute
)

// TestBrowser runs the core loop in a real Chromium: A signs up, copies the
// referral link with the Copy button, a visitor in a separate browser
// context opens that link and signs up, and A's dashboard counts the
// referral. It saves full-page screenshots of the dashboard at desktop and
// phone widths, and fails on any JavaScript exception or CSP violation.
func TestBrowser(t *testing.T) {
	chromium := findChromium(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		engine := path.Base(t.Name())
		s := newSite(t, db)
		root := startBrowser(t, chromium)
		a := openTab(t, root, "A")
		b := openTab(t, root, "B")

		// 1) A signs up, lands on the dashboard and copies the link.
		grantClipboard(t, a, s.srv.URL)
		a.signup(s.srv.URL+"/signup", "alice")
		inTab(a, chromedp.WaitVisible(chromedp.ID("copy-link")))
		link := inTab(a, chromedp.Value(chromedp.ID("referral-link")))
		if !strings.HasPrefix(link, s.srv.URL+"/r/") {
			t.Fatalf("referral link %q does not start with %s/r/", link, s.srv.URL)
		}
		inTab(a, chromedp.Click(chromedp.ID("copy-link")))
		copied := time.Now()
		label := inTab(a, chromedp.Poll[string](
			`(t => t !== "Copy" && t)(document.getElementById("copy-link").textContent.trim())`,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second)))
		if label != "Copied!" {
			t.Fatalf("Copy button says %q after the click, want \"Copied!\"", label)
		}
		clip := inTab(a, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
		if clip != link+"?s=copy" {
			t.Fatalf("clipboard holds %q, want the referral link marked as copied %q", clip, link+"?s=copy")
		}
		inTab(a, chromedp.Poll[bool](`document.getElementById("copy-link").textContent.trim() === "Copy"`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(4*time.Second)))
		if d := time.Since(copied); d < 1500*time.Millisecond {
			t.Errorf("Copy button went back to \"Copy\" after %v, want about 2s", d)
		}

		// 2) A visitor in a separate browser context follows the link.
		resp := inTab(b, chromedp.NavigateResponse(link))
		if got := inTab(b, chromedp.Location()); got != s.srv.URL+"/signup" {
			t.Fatalf("the link led to %q (status %d), want %s/signup", got, resp.Status, s.srv.URL)
		}
		if got := inTab(b, chromedp.Text(chromedp.ID("referred-by"))); strings.Join(strings.Fields(got), " ") != "alice invited you to ReferralHub." {
			t.Fatalf("signup page says %q, want \"alice invited you to ReferralHub.\"", got)
		}
		if got := inTab(b, chromedp.Text(chromedp.CSS("#referred-by strong"))); got != "alice" {
			t.Fatalf("referrer shown as %q, want alice", got)
		}
		checkAxe(b, "signup, invited")
		checkPreviewPage(openTab(t, root, "bot"), link, "alice invited you to ReferralHub")
		inTab(b, chromedp.Navigate(s.srv.URL+"/r/nobody-here"))
		if got := inTab(b, chromedp.Text(chromedp.ID("link-problem"))); !strings.Contains(got, "does not lead to an invitation") {
			t.Fatalf("an unknown link's signup page says %q", got)
		}
		checkAxe(b, "signup, after an unknown link")
		b.signup("", "bob")

		// 3) A's dashboard counts the referral and the click.
		s.flushClicks(t)
		inTab(a, chromedp.Reload())
		for id, want := range map[string]string{"stat-referrals": "1", "stat-points": "10", "stat-clicks": "1", "stat-active": "1"} {
			if got := strings.TrimSpace(inTab(a, chromedp.Text(chromedp.ID(id)))); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
		names := inTab(a, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll("#referrals tbody td:first-child")].map(td => td.textContent.trim())`))
		if len(names) != 1 || names[0] != "bob" {
			t.Errorf("dashboard lists referrals %q, want [bob]", names)
		}

		// 4) A chooses a code for the link; the old link keeps working.
		chooseCode(a, s.srv.URL, "alice-doe")
		inTab(a, chromedp.Navigate(s.srv.URL+"/"))

		checkAxe(a, "dashboard with share icons")

		// 5) Full-page screenshots of the dashboard.
		dir := artifactsDir(t)
		for _, width := range []int64{1280, 390} {
			file := filepath.Join(dir, fmt.Sprintf("dashboard-%s-%d.png", engine, width))
			if err := os.WriteFile(file, a.screenshot(width), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %d px: %s", width, file)
		}

		for _, tb := range []*tab{a, b} {
			tb.check()
		}
	})
}

// findChromium returns the Chromium binary, or skips the test when there is
// none; with REFERRALHUB_TEST_BROWSER=1 a missing Chromium fails it. With
// -short it skips: a browser run is slow.
func findChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("a browser test: not with -short")
	}
	var candidates []string
	if p := os.Getenv(envChromium); p != "" {
		candidates = append(candidates, p)
	}
	candidates = append(candidates, "/usr/bin/chromium")
	for _, p := range candidates {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
		if p == os.Getenv(envChromium) {
			t.Logf("%s=%s: not an executable file", envChromium, p)
		}
	}
	if os.Getenv(envTestBrowser) == "1" {
		t.Fatalf("%s=1 but no Chromium at %s", envTestBrowser, strings.Join(candidates, " or "))
	}
	t.Skipf("no Chromium at %s (set %s)", strings.Join(candidates, " or "), envChromium)
	return ""
}

// startBrowser starts a headless Chromium with a fresh user data dir, which
// lives until the test ends or browserTimeout passes.
func startBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	deadline, cancelDeadline := context.WithTimeout(context.Background(), browserTimeout)
	t.Cleanup(cancelDeadline)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Third-party cookies blocked, as after Chrome's phase-out: pages
		// in cross-site frames (the embedded page) must do without them.
		chromedp.Flag("test-third-party-cookie-phaseout", true),
		// No user-data-dir flag: the allocator makes a fresh one and
		// removes it when the browser stops.
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancel)
	// The first run starts the browser; it must not get a shorter timeout,
	// since the browser lives as long as this context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	return ctx
}

// tab is one page in its own browser context (its own cookies, storage and
// permissions), with the console problems it has seen.
type tab struct {
	t    *testing.T
	name string
	ctx  context.Context

	mu       sync.Mutex
	problems []string // CSP violations and uncaught exceptions
}

// openTab opens a tab in a new browser context of the browser in root.
func openTab(t *testing.T, root context.Context, name string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, name: name, ctx: ctx}
	if err := chromedp.Listen(ctx, tb.onEvent); err != nil {
		t.Fatalf("open tab %s: %v", name, err)
	}
	return tb
}

// onEvent logs console errors and warnings, and records CSP violations and
// uncaught exceptions. It runs on the tab's reader goroutine: no commands.
func (tb *tab) onEvent(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeWarning && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, arg := range ev.Args {
			parts = append(parts, remoteText(arg))
		}
		tb.note(fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")), isCSP(strings.Join(parts, " ")))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + remoteText(d.Exception)
		}
		tb.note(fmt.Sprintf("exception at %s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, text), true)
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level != log.EntryLevelError && e.Level != log.EntryLevelWarning && e.Source != log.EntrySourceSecurity {
			return
		}
		tb.note(fmt.Sprintf("log %s/%s: %s (%s)", e.Source, e.Level, e.Text, e.URL), e.Source == log.EntrySourceSecurity || isCSP(e.Text))
	}
}

func (tb *tab) note(msg string, fatal bool) {
	tb.t.Logf("browser %s: %s", tb.name, msg)
	if fatal {
		tb.mu.Lock()
		tb.problems = append(tb.problems, msg)
		tb.mu.Unlock()
	}
}

// check fails the test for each CSP violation or exception the tab saw.
func (tb *tab) check() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("browser %s: %s", tb.name, p)
	}
}

func isCSP(text string) bool {
	return strings.Contains(text, "Content Security Policy") || strings.Contains(text, "Content-Security-Policy")
}

// remoteText renders a console argument or exception like DevTools does.
func remoteText(o *runtime.RemoteObject) string {
	if o.Type == runtime.RemoteObjectTypeString {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
	}
	if o.Description != "" {
		return o.Description
	}
	if len(o.Value) > 0 {
		return string(o.Value)
	}
	return string(o.UnserializableValue)
}

// inTab runs one action in the tab with stepTimeout and fails the test on
// error.
func inTab[T any](tb *tab, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("browser %s: %v", tb.name, err)
	}
	return v
}

// signup opens signupURL (unless empty: the tab is already there), fills in
// the form and submits it, and checks that the tab lands on its dashboard.
func (tb *tab) signup(signupURL, username string) {
	tb.t.Helper()
	if signupURL != "" {
		inTab(tb, chromedp.Navigate(signupURL))
	}
	inTab(tb, chromedp.Steps(
		chromedp.SendKeys(chromedp.ID("email"), username+"@example.com"),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), "password123"),
	))
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type="submit"]`)))
	if err != nil {
		tb.t.Fatalf("browser %s: submit signup: %v", tb.name, err)
	}
	loc := inTab(tb, chromedp.Location())
	if resp.Status != 200 || !strings.HasSuffix(loc, "/") || strings.Count(loc, "/") != 3 {
		tb.t.Fatalf("browser %s: signup as %s ended at %s with status %d", tb.name, username, loc, resp.Status)
	}
	if title := inTab(tb, chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(title, username) {
		tb.t.Fatalf("browser %s: after signup the page says %q, not the dashboard of %s", tb.name, title, username)
	}
}

// grantClipboard lets pages of origin in the tab's browser context read and
// write the clipboard without a prompt, and makes the page count as focused,
// which the async clipboard requires.
func grantClipboard(t *testing.T, tb *tab, origin string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	bcid := chromedp.FromContext(tb.ctx).BrowserContextID
	for _, p := range []*cdpbrowser.PermissionDescriptor{
		{Name: "clipboard-read"},
		{Name: "clipboard-write"},
		{Name: "clipboard-write", AllowWithoutSanitization: true},
	} {
		if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: p, Setting: cdpbrowser.PermissionSettingGranted, Origin: origin, BrowserContextID: bcid,
		}); err != nil {
			t.Fatalf("grant %s: %v", p.Name, err)
		}
	}
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
}

// screenshot returns a PNG of the whole page laid out width CSS pixels wide.
func (tb *tab) screenshot(width int64) []byte {
	tb.t.Helper()
	const height = 800
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	inTab(tb, chromedp.EmulateViewport(width, height, opts...))
	// Let the page lay out at the new width before it is measured.
	inTab(tb, chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise))
	if over := inTab(tb, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); over > 0 {
		tb.t.Logf("browser %s: at %d px the page is %d px wider than the viewport", tb.name, width, over)
	}
	metrics := inTab(tb, func(ctx context.Context, t *chromedp.Target) (page.GetLayoutMetricsResult, error) {
		return cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
	})
	// Capture the whole scrollable area, also what overflows sideways.
	w, h := float64(width), float64(height)
	if c := metrics.CSSContentSize; c != nil {
		w, h = max(w, c.Width), max(h, c.Height)
	}
	png := inTab(tb, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			CaptureBeyondViewport: ptrTo(true),
			FromSurface:           ptrTo(true),
			Clip:                  &page.Viewport{X: 0, Y: 0, Width: w, Height: h, Scale: 1},
		})
		return r.Data, err
	})
	return png
}

func ptrTo[T any](v T) *T { return &v }

// artifactsDir returns REFERRALHUB_ARTIFACTS, created if needed, or a
// temporary directory.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(envArtifacts)
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
