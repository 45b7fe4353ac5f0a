package web_test

import (
	"context"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/demo"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// paintedPixels counts the pixels a chart's canvas has drawn on.
const paintedPixels = `(id => {
	const c = document.getElementById(id);
	if (!c || c.dataset.drawn !== "true" || !c.width || !c.height) { return 0; }
	const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
	let n = 0;
	for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) { n++; } }
	return n;
})`

// TestBrowserAnalytics opens the admin's analytics page over 3,000 demo
// users in a real Chromium, checks that each chart is drawn (its canvas
// painted) from the page's JSON under the CSP, and saves screenshots.
func TestBrowserAnalytics(t *testing.T) {
	chromium := findChromium(t)
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		engine := path.Base(t.Name())
		ctx := context.Background()
		if _, err := demo.Generate(ctx, db, demo.Options{Users: 3000, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		s := newSite(t, db)
		if _, err := s.svc.CreateUser(ctx, core.SignupInput{Email: "root@example.com", Username: "root", Password: adminPassword, IsAdmin: true}); err != nil {
			t.Fatal(err)
		}
		root := startBrowser(t, chromium)
		adm := openTab(t, root, "admin")
		adm.login(s.srv.URL, "root", adminPassword)
		inTab(adm, chromedp.Navigate(s.srv.URL+"/admin/analytics?days=90"))
		inTab(adm, chromedp.WaitVisible(chromedp.ID("chart-months")))
		for _, id := range []string{"chart-daily", "chart-funnel", "chart-months"} {
			n := inTab(adm, chromedp.Poll[int](paintedPixels+`("`+id+`")`,
				chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
			if n < 1000 {
				t.Errorf("%s painted %d pixels, want a drawn chart", id, n)
			}
		}
		// The last 90 days end today, which is not over: its label says so.
		last := inTab(adm, chromedp.Evaluate[string](`(l => l[l.length - 1])(document.getElementById("chart-daily").chart.data.labels)`))
		if !strings.HasSuffix(last, " (today so far)") {
			t.Errorf("the daily chart's last day is labelled %q, want it marked as today so far", last)
		}
		if got := strings.TrimSpace(inTab(adm, chromedp.Text(chromedp.ID("figure-referred")))); got == "0" || got == "" {
			t.Errorf("referred signups shown as %q over 90 days of demo data", got)
		}
		rows := inTab(adm, chromedp.Evaluate[int](`document.querySelectorAll("#table-growth tbody tr").length`))
		if rows < 3 {
			t.Errorf("growth table has %d rows, want a row per month of the demo's 90 days", rows)
		}
		shoot(t, adm, artifactsDir(t), "analytics-"+engine)
		adm.check()
	})
}
