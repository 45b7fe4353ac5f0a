package api_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// periodStatsBody is the part of GET /stats that holds a period's figures.
type periodStatsBody struct {
	Participants int64 `json:"participants"`
	Period       struct {
		From, To        string
		Clicks          int64    `json:"clicks"`
		UniqueClicks    int64    `json:"unique_clicks"`
		OrganicSignups  int64    `json:"organic_signups"`
		ReferredSignups int64    `json:"referred_signups"`
		ClickToSignup   *float64 `json:"click_to_signup"`
		Verified        int64    `json:"verified"`
		Converted       int64    `json:"converted"`
		CostPerCustomer []struct {
			Currency string `json:"currency"`
			Amount   *int64 `json:"amount"`
		} `json:"cost_per_referred_customer"`
		ViralCycle struct {
			Referrers     int64  `json:"referrers"`
			MedianSeconds *int64 `json:"median_seconds"`
		} `json:"viral_cycle_time"`
	} `json:"period"`
	Series struct {
		Interval string `json:"interval"`
		Points   []struct {
			Start           string `json:"start"`
			ReferredSignups int64  `json:"referred_signups"`
		} `json:"points"`
	} `json:"series"`
}

// decodeLoosely decodes the fields of a 200 body that v names.
func decodeLoosely(t *testing.T, r response, v any) {
	t.Helper()
	if r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatal(err)
	}
}

// TestStatsOfAPeriod serves the hand-computed fixture's November, per
// month and per day, beside the program totals.
func TestStatsOfAPeriod(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		storagetest.AnalyticsFixture(t, db)
		now := storagetest.AnalyticsNow()
		if err := db.RefreshAnalyticsDays(context.Background(), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), now, now.Add(time.Hour), now); err != nil {
			t.Fatal(err)
		}
		var got periodStatsBody
		decodeLoosely(t, e.get("/api/v1/stats?from=2026-11-01&to=2026-11-30&interval=month"), &got)
		p := got.Period
		if got.Participants < 11 || p.From != "2026-11-01" || p.To != "2026-11-30" || p.Clicks != 5 || p.UniqueClicks != 4 ||
			p.OrganicSignups < 1 || p.ReferredSignups != 6 || p.ClickToSignup == nil || *p.ClickToSignup != 1.5 ||
			p.Verified != 2 || p.Converted != 1 {
			t.Errorf("period = %+v", got)
		}
		if len(p.CostPerCustomer) != 1 || *p.CostPerCustomer[0].Amount != 1500 || p.ViralCycle.Referrers != 3 ||
			*p.ViralCycle.MedianSeconds != 26*24*3600 {
			t.Errorf("cost and cycle = %+v %+v", p.CostPerCustomer, p.ViralCycle)
		}
		if got.Series.Interval != "month" || len(got.Series.Points) != 1 || got.Series.Points[0].Start != "2026-11-01" ||
			got.Series.Points[0].ReferredSignups != 6 {
			t.Errorf("monthly series = %+v", got.Series)
		}
		var days periodStatsBody
		decodeLoosely(t, e.get("/api/v1/stats?from=2026-10-15&to=2026-11-14"), &days)
		if days.Series.Interval != "day" || len(days.Series.Points) != 31 || days.Series.Points[5].Start != "2026-10-20" ||
			days.Series.Points[5].ReferredSignups != 1 {
			t.Errorf("daily series = %+v", days.Series)
		}
		e.get("/api/v1/stats?to=2026-13-01").wantError(t, 422, "invalid", "to")
	})
}
