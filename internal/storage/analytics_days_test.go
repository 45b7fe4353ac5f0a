package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func nov(day int) time.Time { return time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC) }

// refreshAll rolls up every day of the fixture's autumn and the cohorts.
func refreshAll(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	now := storagetest.AnalyticsNow()
	if err := db.RefreshAnalyticsDays(ctx, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), now, now.Add(time.Hour), now); err != nil {
		t.Fatal(err)
	}
	if err := db.RefreshAnalyticsCohorts(ctx, now, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
}

// sumDays adds up the daily rows.
func sumDays(days []referralhub.AnalyticsDay) referralhub.AnalyticsDay {
	var s referralhub.AnalyticsDay
	for _, d := range days {
		s.Clicks += d.Clicks
		s.UniqueClicks += d.UniqueClicks
		s.OrganicSignups += d.OrganicSignups
		s.ReferredSignups += d.ReferredSignups
		s.Verified += d.Verified
		s.Converted += d.Converted
	}
	return s
}

// TestAnalyticsDailyRollups checks each figure of the fixture's days
// against the hand-computed values in docs/analytics.md.
func TestAnalyticsDailyRollups(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		storagetest.AnalyticsFixture(t, db)
		refreshAll(t, db)
		q := db.Read()
		all, err := q.AnalyticsDays(ctx, "2026-10-01", "2026-12-31")
		if err != nil || len(all) != 92 {
			t.Fatalf("days = %d, %v", len(all), err)
		}
		want := map[string]referralhub.AnalyticsDay{
			"2026-10": {Clicks: 7, OrganicSignups: 2, ReferredSignups: 1},
			"2026-11": {Clicks: 5, UniqueClicks: 4, OrganicSignups: 1, ReferredSignups: 6, Verified: 2, Converted: 1},
			"2026-12": {ReferredSignups: 1, Verified: 1, Converted: 1},
		}
		for month, w := range want {
			var days []referralhub.AnalyticsDay
			for _, d := range all {
				if d.Day[:7] == month {
					days = append(days, d)
				}
			}
			if got := sumDays(days); got != w {
				t.Errorf("%s: got %+v, want %+v", month, got, w)
			}
		}
		nov10, _ := q.AnalyticsDays(ctx, "2026-11-10", "2026-11-10")
		if nov10[0].Clicks != 4 || nov10[0].UniqueClicks != 3 {
			t.Errorf("Nov 10 = %+v, want 4 clicks from 3 (participant, ip) pairs", nov10[0])
		}
		months, err := q.AnalyticsMonths(ctx)
		wantMonths := []referralhub.AnalyticsMonth{{Month: "2026-10", OrganicSignups: 2, ReferredSignups: 1},
			{Month: "2026-11", OrganicSignups: 1, ReferredSignups: 6}, {Month: "2026-12", ReferredSignups: 1}}
		if err != nil || fmt.Sprint(months) != fmt.Sprint(wantMonths) {
			t.Errorf("months = %v, %v", months, err)
		}
	})
}

// TestAnalyticsRewardsAndCycles sums November's rewards (cancelled and
// redemption entries left out) and buckets the viral cycle times.
func TestAnalyticsRewardsAndCycles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		storagetest.AnalyticsFixture(t, db)
		refreshAll(t, db)
		rewards, err := db.Read().AnalyticsRewards(ctx, "2026-11-01", "2026-11-30")
		want := "[{ coupon usd 1 1000} { credit usd 1 500} { points  1 10}]"
		if err != nil || fmt.Sprint(rewards) != want {
			t.Errorf("rewards = %v, %v; want %s", rewards, err, want)
		}
		cycles, err := db.Read().AnalyticsCycles(ctx, "2026-10-01", "2026-12-31")
		if err != nil {
			t.Fatal(err)
		}
		var got []float64
		for _, c := range cycles {
			for range c.Referrers {
				got = append(got, c.Mean().Hours()/24)
			}
		}
		wantDays := []float64{1, 19, 23, 26, 36} // e, a, k, c, b
		if len(got) != len(wantDays) {
			t.Fatalf("cycles = %v, want %v days", got, wantDays)
		}
		for i, w := range wantDays {
			if got[i] != w {
				t.Errorf("cycle %d = %v days, want %v", i, got[i], w)
			}
		}
	})
}
