package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// saltEpoch is the IP salt period of t under the fixture's daily salts.
func saltEpoch(t time.Time) int64 { return t.UnixNano() / int64(24*time.Hour) }

// hasSalt reports whether the salt of epoch is stored.
func hasSalt(t *testing.T, db *storage.DB, epoch int64) bool {
	t.Helper()
	_, ok, err := db.Read().IPSalt(context.Background(), epoch)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// advanceTo sets the test clock to at.
func advanceTo(c *clock, at time.Time) { c.Advance(at.Sub(c.Now())) }

// hourlyUpkeepTasks is how many tasks the worker's hourly upkeep runs.
const hourlyUpkeepTasks = 11

// runUpkeep runs what is due and checks how many tasks ran.
func runUpkeep(t *testing.T, u *core.Upkeep, want int) {
	t.Helper()
	if n := u.RunDue(context.Background()); n != want {
		t.Fatalf("the upkeep ran %d tasks, want %d", n, want)
	}
}

// TestUpkeepRunsHourlyOnTheInjectedClock runs the worker role's upkeep at
// the fixture's clock: the analytics refresh is queued at once and once
// per slot, the hourly tasks an hour after the start, and they delete
// expired sessions and old finished jobs and make the next IP salt.
func TestUpkeepRunsHourlyOnTheInjectedClock(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		start := f.clock.Now()
		alice, _ := f.signup(t, "alice", "")
		for token, expires := range map[string]time.Time{"expiring": start.Add(30 * time.Minute), "lasting": start.Add(48 * time.Hour)} {
			if err := db.Write().CreateSession(ctx, token, alice.ID, start, expires); err != nil {
				t.Fatal(err)
			}
		}
		sessionKept := func(token string) bool {
			_, _, err := db.Read().SessionUser(ctx, token, start)
			if err != nil && referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
				t.Fatal(err)
			}
			return err == nil
		}
		f.runJobs(t) // alice's mail
		u := f.svc.Upkeep(core.WorkerUpkeep)

		runUpkeep(t, u, 1) // the analytics refresh, at once
		runUpkeep(t, u, 0)
		if n := f.runJobs(t); n != 1 {
			t.Fatalf("ran %d jobs, want the analytics refresh", n)
		}
		f.clock.Advance(59 * time.Minute)
		runUpkeep(t, u, 1) // the refresh of a later slot; the hourly tasks are not due
		if !sessionKept("expiring") {
			t.Fatal("the expired session went before the hourly upkeep")
		}
		f.clock.Advance(time.Minute)
		runUpkeep(t, u, hourlyUpkeepTasks)
		if sessionKept("expiring") || !sessionKept("lasting") {
			t.Errorf("after the hourly upkeep: expired session kept %v, live session kept %v; want false, true",
				sessionKept("expiring"), sessionKept("lasting"))
		}
		done := func() int {
			t.Helper()
			jobs, err := db.Read().Jobs(ctx, "done", 100)
			if err != nil {
				t.Fatal(err)
			}
			return len(jobs)
		}
		before := done()
		f.runJobs(t) // the refreshes queued at 59 and 60 minutes
		recent := done() - before
		if recent != 2 {
			t.Fatalf("%d more jobs done, want the 2 refreshes", recent)
		}

		advanceTo(f.clock, start.Add(25*time.Hour))
		next := saltEpoch(f.clock.Now()) + 1
		if hasSalt(t, db, next) {
			t.Fatal("the next day's salt was made before the upkeep ran")
		}
		runUpkeep(t, u, hourlyUpkeepTasks)
		if !hasSalt(t, db, next) {
			t.Error("the upkeep did not make the next period's IP salt")
		}

		advanceTo(f.clock, start.Add(core.DoneJobsKept+30*time.Minute))
		runUpkeep(t, u, hourlyUpkeepTasks)
		if got := done(); got != recent {
			t.Errorf("%d done jobs kept, want the %d finished within %s", got, recent, core.DoneJobsKept)
		}
	})
}

// TestUpkeepForgetsOldData runs the hourly upkeep past each lifetime:
// idempotency records go after a day, IP salts after 91 days, and raw
// clicks are reduced to daily counts after the click retention (on
// PostgreSQL, once their whole month is past it).
func TestUpkeepForgetsOldData(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		start := f.clock.Now()
		alice := f.join(t, "alice", nil)
		f.svc.Click(ctx, alice.p.Code, core.Visit{IP: "192.0.2.1"})
		if err := f.clicks.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		k, err := f.svc.CreateAPIKeyFromCommandLine(ctx, "k", core.ScopeWrite)
		if err != nil {
			t.Fatal(err)
		}
		key := referralhub.IdempotencyKey{APIKeyID: k.ID, Route: "POST /api/v1/events", Key: "order-1"}
		if claimed, err := db.Write().ClaimIdempotencyKey(ctx, key, "hash", start); err != nil || !claimed {
			t.Fatalf("claim = %v, %v", claimed, err)
		}
		u := f.svc.Upkeep(core.WorkerUpkeep)
		runUpkeep(t, u, 1)

		f.clock.Advance(23 * time.Hour)
		runUpkeep(t, u, hourlyUpkeepTasks)
		if _, err := db.Read().IdempotencyRecordOf(ctx, key); err != nil {
			t.Fatalf("an idempotency record went within its day: %v", err)
		}
		f.clock.Advance(2 * time.Hour)
		runUpkeep(t, u, hourlyUpkeepTasks)
		if _, err := db.Read().IdempotencyRecordOf(ctx, key); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("a day-old idempotency record: err = %v, want not found", err)
		}

		first := saltEpoch(start)
		advanceTo(f.clock, start.Add(90*24*time.Hour))
		runUpkeep(t, u, hourlyUpkeepTasks)
		if !hasSalt(t, db, first) {
			t.Fatal("the first salt went within 91 days")
		}
		advanceTo(f.clock, start.Add(93*24*time.Hour))
		runUpkeep(t, u, hourlyUpkeepTasks)
		if hasSalt(t, db, first) {
			t.Error("the upkeep kept a salt older than 91 days")
		}

		clicks := func() int64 {
			t.Helper()
			n, err := db.Read().CountClicks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		advanceTo(f.clock, start.Add(core.DefaultSettings().ClickRetention-time.Hour))
		runUpkeep(t, u, hourlyUpkeepTasks)
		if got := clicks(); got != 1 {
			t.Fatalf("within the retention: %d raw clicks, want 1", got)
		}
		// On PostgreSQL the upkeep made the click's month a table of its own
		// (its first run) and drops it once all of the month is past the
		// retention; SQLite reduces the row itself.
		advanceTo(f.clock, start.Add(core.DefaultSettings().ClickRetention+time.Hour))
		runUpkeep(t, u, hourlyUpkeepTasks)
		if got, want := clicks(), map[string]int64{"sqlite": 0, "postgres": 1}[db.Engine()]; got != want {
			t.Errorf("past the retention: %d raw clicks, want %d", got, want)
		}
		advanceTo(f.clock, start.Add(core.DefaultSettings().ClickRetention+31*24*time.Hour))
		runUpkeep(t, u, hourlyUpkeepTasks)
		if got := clicks(); got != 0 {
			t.Errorf("past the retention and its month: %d raw clicks, want them reduced", got)
		}
		if p, err := db.Read().Participant(ctx, alice.p.ID); err != nil || p.ClickCount != 1 {
			t.Errorf("click_count = %d, %v; want 1", p.ClickCount, err)
		}
	})
}

// TestWebUpkeepOnlyMakesIPSalts runs the upkeep of a web instance without
// job workers: it queues no analytics refresh and deletes nothing, but
// makes the next IP salt hourly.
func TestWebUpkeepOnlyMakesIPSalts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		start := f.clock.Now()
		alice, _ := f.signup(t, "alice", "")
		if err := db.Write().CreateSession(ctx, "expiring", alice.ID, start, start.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		f.runJobs(t) // alice's mail
		u := f.svc.Upkeep(core.WebUpkeep)
		runUpkeep(t, u, 0)
		advanceTo(f.clock, start.Add(25*time.Hour))
		next := saltEpoch(f.clock.Now()) + 1
		if hasSalt(t, db, next) {
			t.Fatal("the next day's salt was made before the upkeep ran")
		}
		runUpkeep(t, u, 1)
		if !hasSalt(t, db, next) {
			t.Error("the web upkeep did not make the next period's IP salt")
		}
		runUpkeep(t, u, 0)
		if _, _, err := db.Read().SessionUser(ctx, "expiring", start); err != nil {
			t.Errorf("the web upkeep deleted an expired session: %v", err)
		}
		if n := f.runJobs(t); n != 0 {
			t.Errorf("the web upkeep queued %d jobs", n)
		}
	})
}
