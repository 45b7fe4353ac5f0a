package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestClickWorksThroughADatabaseOutage: with the database really gone,
// long after the code and the program were last read (past both caches'
// lifetimes), a referral link still resolves and attributes under the
// program's own attribution window, and its click waits in the buffer.
func TestClickWorksThroughADatabaseOutage(t *testing.T) {
	storagetest.EachOutage(t, func(t *testing.T, o *storagetest.Outage) {
		f := newFixture(t, o.DB)
		ctx := context.Background()
		boss := f.admin(t)
		prog, err := f.svc.Program(ctx)
		if err != nil {
			t.Fatal(err)
		}
		prog.AttributionWindow = 48 * time.Hour
		if _, err := f.svc.SaveProgram(ctx, boss, prog, "a shorter window"); err != nil {
			t.Fatal(err)
		}
		_, aliceSess := f.signup(t, "alice", "")
		alice := f.participant(t, aliceSess)
		if res, err := f.svc.Click(ctx, alice.Code, core.Visit{IP: "192.0.2.1"}); err != nil || !res.Attributed {
			t.Fatalf("click before the outage: %+v %v", res, err)
		}
		if w := f.svc.AttributionWindow(ctx); w != 48*time.Hour {
			t.Fatalf("window before the outage: %v", w)
		}
		if err := f.clicks.Flush(ctx); err != nil {
			t.Fatal(err)
		}

		f.clock.Advance(time.Hour) // past the code cache's and the program's lifetimes
		o.Begin()
		res, err := f.svc.Click(ctx, alice.Code, core.Visit{IP: "192.0.2.1"})
		if err != nil || !res.Attributed || res.Attribution.Code != alice.Code {
			t.Fatalf("click during the outage: %+v %v", res, err)
		}
		if w := f.svc.AttributionWindow(ctx); w != 48*time.Hour {
			t.Fatalf("window during the outage: %v, want the program's 48h", w)
		}
		if st := f.clicks.Stats(); st.Pending != 1 {
			t.Fatalf("clicks %+v: want the one clicked during the outage pending", st)
		}
		if o.End(t) {
			if err := f.clicks.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if st := f.clicks.Stats(); st.Pending != 0 || st.Flushed != 2 {
				t.Fatalf("after the outage: %+v", st)
			}
			return
		}
		cctx, cancel := context.WithTimeout(ctx, time.Second) // SQLite: closed for good
		defer cancel()
		f.clicks.Close(cctx)
	})
}
