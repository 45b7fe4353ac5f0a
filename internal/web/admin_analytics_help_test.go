package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestAdminAnalyticsExplainsItselfAndToday: each headline figure says on
// the page what it counts, and a period that ends today marks that day as
// partial for the chart; one that ends earlier marks nothing.
func TestAdminAnalyticsExplainsItselfAndToday(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		_, admin := analyticsSite(t, db)
		_, body := admin.get("/admin/analytics?from=2026-11-01&to=2026-11-30")
		for _, id := range []string{"clicks", "referred", "conversion", "verified", "converted", "rewards", "cost", "cycle"} {
			if !strings.Contains(body, `aria-describedby="figure-`+id+`-help" id="figure-`+id+`"`) ||
				!strings.Contains(body, `<p class="stat-help" id="figure-`+id+`-help">`) {
				t.Errorf("figure %s has no help text beside it", id)
			}
		}
		if strings.Contains(body, "docs/analytics.md") || strings.Contains(body, `id="today-note"`) || !strings.Contains(body, `"today":-1`) {
			t.Error("a past period points to the docs or marks a partial day")
		}
		resp, body := admin.get("/admin/analytics?days=7") // the site's clock stands on 31 Dec 2026
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"today":6`) || !strings.Contains(body, `id="today-note"`) {
			t.Errorf("the last 7 days do not mark today as partial: %d", resp.StatusCode)
		}
	})
}
