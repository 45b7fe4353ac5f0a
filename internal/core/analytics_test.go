package core_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

var analyticsAdmin = referralhub.User{ID: 1, Username: "root", IsAdmin: true}

// analyticsFixture is the hand-computed fixture, rolled up as of its end.
func analyticsFixture(t *testing.T, db *storage.DB) (*fixture, map[string]referralhub.Participant) {
	t.Helper()
	f := newFixture(t, db)
	f.clock.t = storagetest.AnalyticsNow()
	p := storagetest.AnalyticsFixture(t, db)
	if err := f.svc.RefreshAnalytics(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	return f, p
}

func period(t *testing.T, from, to string) core.Period {
	t.Helper()
	p, err := core.ParsePeriod(from, to, 0, storagetest.AnalyticsNow())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func near(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }

// TestGrowthTableAndViralCoefficient checks the month-by-month table
// against docs/analytics.md's worked example: K(month) = referred signups
// in the month / participants that existed when it began.
func TestGrowthTableAndViralCoefficient(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f, _ := analyticsFixture(t, db)
		a, err := f.svc.Analytics(context.Background(), analyticsAdmin, period(t, "2026-11-01", "2026-11-30"))
		if err != nil {
			t.Fatal(err)
		}
		want := []core.GrowthMonth{
			{Month: "2026-10", OrganicSignups: 2, ReferredSignups: 1, Share: 1.0 / 3, AtStart: 0},
			{Month: "2026-11", OrganicSignups: 1, ReferredSignups: 6, Share: 6.0 / 7, AtStart: 3, K: 2},
			{Month: "2026-12", OrganicSignups: 0, ReferredSignups: 1, Share: 1, AtStart: 10, K: 0.1},
		}
		if fmt.Sprint(a.Growth) != fmt.Sprint(want) {
			t.Errorf("growth =\n%+v\nwant\n%+v", a.Growth, want)
		}
		// The seed's trajectory, checked by hand: 127+43, 298+187, 401+573.
		seed := core.GrowthTable([]referralhub.AnalyticsMonth{{Month: "m1", OrganicSignups: 127, ReferredSignups: 43},
			{Month: "m2", OrganicSignups: 298, ReferredSignups: 187}, {Month: "m3", OrganicSignups: 401, ReferredSignups: 573}})
		if seed[1].AtStart != 170 || !near(seed[1].K, 1.1, 0.001) || !near(seed[2].K, 573.0/655, 1e-9) || !near(seed[0].Share, 43.0/170, 1e-9) {
			t.Errorf("seed trajectory = %+v", seed)
		}
	})
}

// TestAnalyticsHeadlineFigures checks November's headline figures, the
// median viral cycle time and the cost per referred customer.
func TestAnalyticsHeadlineFigures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f, p := analyticsFixture(t, db)
		ctx := context.Background()
		a, err := f.svc.Analytics(ctx, analyticsAdmin, period(t, "2026-11-01", "2026-11-30"))
		if err != nil {
			t.Fatal(err)
		}
		want := core.Totals{Clicks: 5, UniqueClicks: 4, OrganicSignups: 1, ReferredSignups: 6, Verified: 2, Converted: 1,
			ClickToSignup: 1.5, HasClickToSignup: true}
		if a.Totals != want || len(a.Days) != 30 {
			t.Errorf("totals = %+v (%d days), want %+v", a.Totals, len(a.Days), want)
		}
		if a.Cycle.Referrers != 3 || a.Cycle.Median != 26*24*time.Hour {
			t.Errorf("November's cycle = %+v, want 3 referrers, median 26 days", a.Cycle)
		}
		if fmt.Sprint(a.Costs) != "[{usd 1500 1500 1}]" {
			t.Errorf("costs = %+v", a.Costs)
		}
		if len(a.Top) != 4 || a.Top[0].ParticipantID != p["a"].ID || a.Top[0].Verified != 2 || a.Top[3].ParticipantID != p["e"].ID {
			t.Errorf("top = %+v", a.Top)
		}
		all, err := f.svc.Analytics(ctx, analyticsAdmin, period(t, "2026-10-01", "2026-12-31"))
		if err != nil || all.Cycle.Referrers != 5 || all.Cycle.Median != 23*24*time.Hour {
			t.Errorf("autumn's cycle = %+v, %v; want 5 referrers, median 23 days", all.Cycle, err)
		}
		if _, err := f.svc.Analytics(ctx, referralhub.User{ID: 2}, a.Period); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Errorf("a non-admin got %v", err)
		}
	})
}

// TestParsePeriod reads presets and dates, and refuses what makes no
// period.
func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		from, to string
		days     int
		want     string // "first last", or the field in error
	}{
		{"", "", 0, "2026-12-02 2026-12-31"},
		{"", "", 7, "2026-12-25 2026-12-31"},
		{"", "2026-11-30", 90, "2026-09-02 2026-11-30"},
		{"2026-11-01", "2026-11-30", 7, "2026-11-01 2026-11-30"},
		{"2026-12-01", "2026-11-30", 0, "from"},
		{"nope", "", 0, "from"},
		{"", "31/12/2026", 0, "to"},
		{"", "", -1, "days"},
		{"2000-01-01", "", 0, "from"},
	} {
		p, err := core.ParsePeriod(c.from, c.to, c.days, now)
		got := p.FirstDay() + " " + p.LastDay()
		if e, ok := err.(*referralhub.Error); ok {
			for field := range e.Fields {
				got = field
			}
		}
		if got != c.want {
			t.Errorf("ParsePeriod(%q, %q, %d) = %s (%v), want %s", c.from, c.to, c.days, got, err, c.want)
		}
	}
}

// TestAnalyticsRefreshJobFollowsNewData shows a click and a signup made
// after a refresh once the next queued refresh has run, fills the days a
// stopped server missed, and gives the same figures when run again.
func TestAnalyticsRefreshJobFollowsNewData(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f, p := analyticsFixture(t, db)
		ctx := context.Background()
		today := func() core.Totals {
			t.Helper()
			a, err := f.svc.Analytics(ctx, analyticsAdmin, core.LastDays(f.clock.Now(), 1))
			if err != nil {
				t.Fatal(err)
			}
			return a.Totals
		}
		if err := f.svc.QueueAnalyticsRefresh(ctx); err != nil {
			t.Fatal(err)
		}
		if n := f.runJobs(t); n != 1 {
			t.Fatalf("ran %d jobs, want the refresh", n)
		}
		click := referralhub.Click{ID: "late-click", ParticipantID: p["a"].ID, Code: p["a"].Code, IPHash: "ip9", UserAgent: "ua",
			CreatedAt: f.clock.Now()}
		if err := db.InsertClicks(ctx, []referralhub.Click{click}); err != nil {
			t.Fatal(err)
		}
		f.signup(t, "latecomer", "")
		f.runJobs(t) // its mail
		if got := today(); got.Clicks != 0 || got.OrganicSignups != 0 {
			t.Errorf("before the next refresh: %+v", got)
		}
		if err := f.svc.QueueAnalyticsRefresh(ctx); err != nil {
			t.Fatal(err)
		}
		if n := f.runJobs(t); n != 0 {
			t.Errorf("a second refresh in the same slot ran (%d jobs)", n)
		}
		f.clock.Advance(core.AnalyticsRefreshEvery)
		if err := f.svc.QueueAnalyticsRefresh(ctx); err != nil {
			t.Fatal(err)
		}
		if n := f.runJobs(t); n != 1 {
			t.Fatalf("ran %d jobs, want the next refresh", n)
		}
		if got := today(); got.Clicks != 1 || got.UniqueClicks != 1 || got.OrganicSignups != 1 {
			t.Errorf("after the next refresh: %+v", got)
		}
		// Down for three days: a signup on the first is still rolled up.
		f.clock.Advance(24 * time.Hour)
		f.signup(t, "whiledown", "")
		f.clock.Advance(48 * time.Hour)
		before := analyticsSnapshot(t, f)
		if err := f.svc.RefreshAnalytics(ctx, false); err != nil {
			t.Fatal(err)
		}
		after := analyticsSnapshot(t, f)
		if after.Totals.OrganicSignups != before.Totals.OrganicSignups+1 {
			t.Errorf("the missed day was not rolled up: %+v then %+v", before.Totals, after.Totals)
		}
		if err := f.svc.RefreshAnalytics(ctx, true); err != nil {
			t.Fatal(err)
		}
		if again := analyticsSnapshot(t, f); fmt.Sprint(again) != fmt.Sprint(after) {
			t.Errorf("a full backfill changed the figures:\n%+v\n%+v", after, again)
		}
	})
}

// analyticsSnapshot is everything from Oct 1 to now, refresh times left
// out.
func analyticsSnapshot(t *testing.T, f *fixture) core.Analytics {
	t.Helper()
	p, err := core.ParsePeriod("2026-10-01", "", 0, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.Analytics(context.Background(), analyticsAdmin, p)
	if err != nil {
		t.Fatal(err)
	}
	a.Refreshed = referralhub.AnalyticsRefreshed{}
	return a
}

// TestPresetTopReferrersComeFromTheRefresh reads a preset period's top
// referrers as the last refresh found them, the same as a live search,
// and shows a new referral once the next refresh has run.
func TestPresetTopReferrersComeFromTheRefresh(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f, p := analyticsFixture(t, db)
		ctx := context.Background()
		preset := core.LastDays(f.clock.Now(), 90)
		top := func() []referralhub.TopReferrer {
			t.Helper()
			a, err := f.svc.Analytics(ctx, analyticsAdmin, preset)
			if err != nil {
				t.Fatal(err)
			}
			return a.Top
		}
		live, err := db.Read().TopReferrers(ctx, preset.From, preset.End(), core.TopReferrerCount)
		if err != nil || fmt.Sprint(top()) != fmt.Sprint(live) || len(live) != 5 {
			t.Fatalf("stored %+v\nlive %+v, %v", top(), live, err)
		}
		_, sess := f.signup(t, "newcomer", "")
		part := f.participant(t, sess)
		err = db.InTx(ctx, func(q *storage.Queries) error {
			return q.CreateReferral(ctx, &referralhub.Referral{ReferrerID: p["b"].ID, RefereeID: part.ID, CreatedAt: f.clock.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		countOf := func(top []referralhub.TopReferrer, id int64) int64 {
			for _, r := range top {
				if r.ParticipantID == id {
					return r.Referrals
				}
			}
			return 0
		}
		if n := countOf(top(), p["b"].ID); n != 1 {
			t.Errorf("before the refresh b has %d referrals, want the stored 1", n)
		}
		if err := f.svc.RefreshAnalytics(ctx, false); err != nil {
			t.Fatal(err)
		}
		if n := countOf(top(), p["b"].ID); n != 2 {
			t.Errorf("after the refresh b has %d referrals, want 2", n)
		}
	})
}

// TestAnalyticsRefreshesDoNotOverlap leaves one slot's refresh running, as
// on another instance: the next slot's steps aside, and the one after it,
// once the first has finished, rolls up what came in.
func TestAnalyticsRefreshesDoNotOverlap(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f, p := analyticsFixture(t, db)
		ctx := context.Background()
		click := referralhub.Click{ID: "overlap-click", ParticipantID: p["a"].ID, Code: p["a"].Code, IPHash: "ip9", UserAgent: "ua",
			CreatedAt: f.clock.Now()}
		if err := db.InsertClicks(ctx, []referralhub.Click{click}); err != nil {
			t.Fatal(err)
		}
		todaysClicks := func() int64 {
			t.Helper()
			a, err := f.svc.Analytics(ctx, analyticsAdmin, core.LastDays(f.clock.Now(), 1))
			if err != nil {
				t.Fatal(err)
			}
			return a.Totals.Clicks
		}
		if err := f.svc.QueueAnalyticsRefresh(ctx); err != nil {
			t.Fatal(err)
		}
		first, ok, err := db.Write().ClaimJob(ctx, "elsewhere", f.clock.Now(), f.clock.Now().Add(time.Hour))
		if err != nil || !ok || first.Kind != core.JobAnalytics {
			t.Fatalf("claim the first refresh: %+v %v %v", first, ok, err)
		}
		f.clock.Advance(core.AnalyticsRefreshEvery)
		if err := f.svc.QueueAnalyticsRefresh(ctx); err != nil {
			t.Fatal(err)
		}
		if n := f.runJobs(t); n != 1 || todaysClicks() != 0 {
			t.Fatalf("ran %d jobs and rolled up %d clicks; want the second refresh to step aside", n, todaysClicks())
		}
		if _, err := db.Write().CompleteJob(ctx, first.ID, "elsewhere", f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(core.AnalyticsRefreshEvery)
		if err := f.svc.QueueAnalyticsRefresh(ctx); err != nil {
			t.Fatal(err)
		}
		if n := f.runJobs(t); n != 1 || todaysClicks() != 1 {
			t.Fatalf("ran %d jobs and rolled up %d clicks; want the third refresh to count the click", n, todaysClicks())
		}
	})
}

// TestPresetPeriodCycleIsStored checks that the refresh stores each preset
// period's viral cycle time, that the figures read it back, and that a
// stored figure of another day is not used (the buckets are summed).
func TestPresetPeriodCycleIsStored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f, _ := analyticsFixture(t, db)
		ctx := context.Background()
		preset := core.LastDays(storagetest.AnalyticsNow(), 90)
		stored, err := f.svc.PeriodStats(ctx, preset)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.StorePeriodCycle(ctx, 90, "2000-01-01", 1, time.Hour); err != nil {
			t.Fatal(err)
		}
		summed, err := f.svc.PeriodStats(ctx, preset)
		if err != nil || summed.Cycle.Referrers == 0 || stored.Cycle != summed.Cycle {
			t.Errorf("stored cycle %+v, summed %+v (%v): want the same, with referrers", stored.Cycle, summed.Cycle, err)
		}
		if err := db.StorePeriodCycle(ctx, 90, preset.LastDay(), 99, time.Hour); err != nil {
			t.Fatal(err)
		}
		read, err := f.svc.PeriodStats(ctx, preset)
		if err != nil || read.Cycle != (core.CycleTime{Referrers: 99, Median: time.Hour}) {
			t.Errorf("cycle = %+v, %v; want the stored 99 referrers and 1h", read.Cycle, err)
		}
	})
}
