package storage_test

import (
	"context"
	"errors"
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
	if err := db.RefreshAnalyticsDays(ctx, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), now, now); err != nil {
		t.Fatal(err)
	}
	if err := db.RefreshAnalyticsCohorts(ctx, now, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
}

// sumDays adds up the daily rows.
func sumDays(days []storage.AnalyticsDay) storage.AnalyticsDay {
	var s storage.AnalyticsDay
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
		want := map[string]storage.AnalyticsDay{
			"2026-10": {Clicks: 7, OrganicSignups: 2, ReferredSignups: 1},
			"2026-11": {Clicks: 5, UniqueClicks: 4, OrganicSignups: 1, ReferredSignups: 6, Verified: 2, Converted: 1},
			"2026-12": {ReferredSignups: 1, Verified: 1, Converted: 1},
		}
		for month, w := range want {
			var days []storage.AnalyticsDay
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
		wantMonths := []storage.AnalyticsMonth{{Month: "2026-10", OrganicSignups: 2, ReferredSignups: 1},
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

// TestAnalyticsCohorts checks retention and purchase value by signup month
// and origin.
func TestAnalyticsCohorts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		storagetest.AnalyticsFixture(t, db)
		refreshAll(t, db)
		cohorts, err := db.Read().AnalyticsCohorts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := "[{2026-10 false 2 2 1 0 []} {2026-10 true 1 1 1 0 []} {2026-11 false 1 1 0 1 [{usd 2000}]} " +
			"{2026-11 true 6 6 1 2 [{eur 700} {usd 1500}]} {2026-12 true 1 0 0 0 []}]"
		if fmt.Sprint(cohorts) != want {
			t.Errorf("cohorts =\n%v\nwant\n%s", cohorts, want)
		}
	})
}

// TestTopReferrers ranks November's referrers exactly and reports how many
// of their referees verified and bought, also when the search has to read
// past the first batch of candidates.
func TestTopReferrers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		p := storagetest.AnalyticsFixture(t, db)
		top, err := db.Read().TopReferrers(ctx, nov(1), nov(30).AddDate(0, 0, 1), 3)
		if err != nil {
			t.Fatal(err)
		}
		want := []storage.TopReferrer{
			{ParticipantID: p["a"].ID, Name: "a", Code: "fxa", Referrals: 2, Verified: 2, Converted: 1},
			{ParticipantID: p["c"].ID, Name: "c", Code: "fxc", Referrals: 2, Verified: 0, Converted: 1},
			{ParticipantID: p["b"].ID, Name: "b", Code: "fxb", Referrals: 1, Verified: 1, Converted: 0},
		}
		if fmt.Sprint(top) != fmt.Sprint(want) {
			t.Errorf("top = %+v\nwant %+v", top, want)
		}
		dec, err := db.Read().TopReferrers(ctx, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), storagetest.AnalyticsNow(), 5)
		if err != nil || len(dec) != 1 || dec[0].ParticipantID != p["k"].ID || dec[0].Name != `=HYPERLINK("x")` {
			t.Errorf("December's top = %+v, %v", dec, err)
		}
	})
}

// TestTopReferrersAcrossBatches puts the period's only referrer below
// 250 busier ones whose referrals are all older, past the first batch of
// candidates.
func TestTopReferrersAcrossBatches(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		users := bulkUsers(752)
		parts := bulkParticipants(users)
		err := db.InTx(ctx, func(q *storage.Queries) error {
			if err := q.BulkUsers(ctx, users, "h"); err != nil {
				return err
			}
			for i := range parts {
				parts[i].UserID = users[i].ID
			}
			if err := q.BulkParticipants(ctx, parts); err != nil {
				return err
			}
			next := 251
			refer := func(referrer int, at time.Time) error {
				next++
				return q.CreateReferral(ctx, &referralhub.Referral{ReferrerID: parts[referrer].ID, RefereeID: parts[next-1].ID, CreatedAt: at})
			}
			for i := range 250 {
				if err := errors.Join(refer(i, t0), refer(i, t0)); err != nil {
					return err
				}
			}
			return refer(250, nov(20))
		})
		if err != nil {
			t.Fatal(err)
		}
		top, err := db.Read().TopReferrers(ctx, nov(15), nov(25), 5)
		if err != nil || len(top) != 1 || top[0].ParticipantID != parts[250].ID || top[0].Referrals != 1 {
			t.Errorf("top = %+v, %v", top, err)
		}
	})
}
