package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// analyticsSite is a site over the hand-computed analytics fixture, rolled
// up, with a signed-in admin.
func analyticsSite(t *testing.T, db *storage.DB) (*site, *browser) {
	t.Helper()
	clk := &clockAt{t: storagetest.AnalyticsNow()}
	s := newSiteAt(t, db, clk.now)
	storagetest.AnalyticsFixture(t, db)
	admin := adminBrowser(t, s)
	if err := s.svc.RefreshAnalytics(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	return s, admin
}

// TestAdminAnalyticsPage shows November's figures and the growth table,
// passes the chart data as JSON, and is for admins only.
func TestAdminAnalyticsPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s, admin := analyticsSite(t, db)
		resp, body := admin.get("/admin/analytics?from=2026-11-01&to=2026-11-30")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d\n%s", resp.StatusCode, body)
		}
		for id, want := range map[string]string{"clicks": "4", "referred": "6", "conversion": "150.0%", "verified": "2",
			"converted": "1", "rewards": "3", "cost": "$15.00", "cycle": "26.0 days"} {
			if got := stat(t, body, "figure-"+id); got != want {
				t.Errorf("figure %s = %q, want %q", id, got, want)
			}
		}
		for _, want := range []string{
			`<td>2026-11</td><td class="num">1</td><td class="num">6</td><td class="num">85.7%</td><td class="num">3</td><td class="num">2.00</td>`,
			`<td>2026-12</td><td class="num">1</td><td class="num">1</td><td class="num">50.0%</td><td class="num">10</td><td class="num">0.10</td>`,
			`href="/admin/analytics/export/growth?from=2026-11-01&amp;to=2026-11-30"`,
			`id="analytics-refreshed">Figures refreshed 31 Dec 2026 12:00 UTC`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %s", want)
			}
		}
		if !strings.Contains(body, `<script type="application/json" id="analytics-data">{"days":["2026-11-01",`) ||
			!strings.Contains(body, `"funnel":[4,6,2,1]`) {
			t.Errorf("chart data missing:\n%s", body)
		}
		alice := s.browser(t)
		alice.signup("alice")
		for _, path := range []string{"/admin/analytics", "/admin/analytics/export/growth"} {
			if resp, _ := s.browser(t).get(path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("a visitor got %s: %d", path, resp.StatusCode)
			}
			if resp, _ := alice.get(path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("a user got %s: %d", path, resp.StatusCode)
			}
		}
		if resp, body := admin.get("/admin/analytics?from=2026-12-01&to=2026-11-01"); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "The start date must not be after the end date.") {
			t.Errorf("a reversed period: %d", resp.StatusCode)
		}
	})
}

// TestAdminAnalyticsCSVEscapesFormulas exports the top referrers with a
// name that a spreadsheet would run as a formula, and every other table.
func TestAdminAnalyticsCSVEscapesFormulas(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		_, admin := analyticsSite(t, db)
		resp, body := admin.get("/admin/analytics/export/referrers?from=2026-12-01&to=2026-12-31")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="referralhub-referrers-2026-12-01-to-2026-12-31.csv"`) {
			t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
		}
		want := "Rank,Referrer,Code,Referred signups,Verified,Converted,Verified share,Converted share\n" +
			`1,"'=HYPERLINK(""x"")",fxk,1,0,0,0.0%,0.0%` + "\n"
		if body != want {
			t.Errorf("csv =\n%s\nwant\n%s", body, want)
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || rows[1][1] != `'=HYPERLINK("x")` {
			t.Errorf("parsed back: %q, %v", rows, err)
		}
		for _, table := range []string{"growth", "cohorts", "daily", "rewards"} {
			resp, body := admin.get("/admin/analytics/export/" + table + "?from=2026-11-01&to=2026-11-30")
			if resp.StatusCode != http.StatusOK || strings.Count(body, "\n") < 2 {
				t.Errorf("%s: %d\n%s", table, resp.StatusCode, body)
			}
		}
		if resp, _ := admin.get("/admin/analytics/export/nope"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown table: %d", resp.StatusCode)
		}
	})
}
