package core_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestUpkeepVerifiesTheLedgerDaily: the worker's upkeep verifies the
// ledger once a UTC day and records the outcome; an edit by SQL is caught
// the next day, recorded as a break naming the entry, and logged as an
// error.
func TestUpkeepVerifiesTheLedgerDaily(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db, raw := storagetest.OpenWithRaw(t, engine)
			var log lockedLog
			f := newFixtureWith(t, db, fixtureOptions{log: &log})
			ctx := context.Background()
			l := storagetest.LedgerFixture(t, db)
			admin := f.admin(t)
			last := func() (referralhub.LedgerCheck, bool) {
				t.Helper()
				c, found, err := f.svc.LastLedgerCheck(ctx, admin)
				if err != nil {
					t.Fatal(err)
				}
				return c, found
			}
			u := f.svc.Upkeep(core.WorkerUpkeep)
			runUpkeep(t, u, 1) // the analytics refresh
			if _, found := last(); found {
				t.Fatal("the ledger was verified before the hourly upkeep")
			}
			f.clock.Advance(core.UpkeepEvery)
			runUpkeep(t, u, 10)
			first, found := last()
			if !found || !first.OK || first.Records != l.Records || !first.StartedAt.Equal(f.clock.Now()) || first.Digest == "" {
				t.Fatalf("after the first hourly upkeep: %+v (found %v), want an intact ledger of %d records", first, found, l.Records)
			}

			if _, err := raw.Exec(`UPDATE rewards SET amount = 99 WHERE id = $1`, l.Coupon); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(core.UpkeepEvery)
			runUpkeep(t, u, 10)
			if again, _ := last(); again.ID != first.ID {
				t.Fatalf("verified twice in a day: %+v", again)
			}
			advanceTo(f.clock, first.StartedAt.Truncate(24*time.Hour).Add(24*time.Hour+30*time.Minute))
			runUpkeep(t, u, 10)
			broken, _ := last()
			if broken.OK || broken.BreakCount != 1 || !strings.Contains(broken.Problem, "entry "+itoa(l.Coupon)+" (beneficiary "+itoa(l.B)+")") {
				t.Fatalf("the next day, after an edit: %+v, want a break at entry %d", broken, l.Coupon)
			}
			if got := log.String(); !strings.Contains(got, "level=ERROR") || !strings.Contains(got, "hash chain is broken") {
				t.Errorf("no error logged for the break:\n%s", got)
			}
			if _, _, err := f.svc.LastLedgerCheck(ctx, referralhub.User{ID: admin.ID}); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
				t.Errorf("a non-admin asked for the ledger's check: err = %v, want forbidden", err)
			}
		})
	}
}

// lockedLog is a service log to read back.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}
func (l *lockedLog) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.buf.String() }
