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

// day is n days after t0's day, at hour h (UTC).
func day(n, h int) time.Time { return time.Date(2026, 11, 1+n, h, 0, 0, 0, time.UTC) }

func mustClicks(t *testing.T, db *storage.DB, clicks ...referralhub.Click) {
	t.Helper()
	if err := db.InsertClicks(context.Background(), clicks); err != nil {
		t.Fatal(err)
	}
}

func clickDays(t *testing.T, db *storage.DB, p referralhub.Participant) string {
	t.Helper()
	days, err := db.Read().ClickDays(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(days)
}

// TestReduceClicksKeepsTotals reduces old clicks to daily counts in small
// batches: the totals per day survive, recent clicks stay raw, click_count
// is untouched, and a second run changes nothing.
func TestReduceClicksKeepsTotals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		click := func(id string, p referralhub.Participant, at time.Time) referralhub.Click {
			return referralhub.Click{ID: id, ParticipantID: p.ID, Code: p.Code, IPHash: "h-" + id, UserAgent: "ua", CreatedAt: at}
		}
		// Ids out of time order on purpose: retention goes by created_at.
		mustClicks(t, db, click("z1", alice, day(0, 1)), click("a2", alice, day(0, 23)), click("m3", alice, day(0, 5)),
			click("b4", alice, day(1, 0)), click("y5", alice, day(1, 2)), click("c6", alice, day(9, 0)),
			click("x7", bob, day(0, 3)), click("d8", bob, day(9, 1)), click("w9", bob, day(10, 0)))
		cutoff := day(5, 0)
		want := map[string]string{
			"alice": "[{2026-11-01 3} {2026-11-02 2} {2026-11-10 1}]",
			"bob":   "[{2026-11-01 1} {2026-11-10 1} {2026-11-11 1}]",
		}
		check := func(stage string, raw int64) {
			t.Helper()
			for name, p := range map[string]referralhub.Participant{"alice": alice, "bob": bob} {
				if got := clickDays(t, db, p); got != want[name] {
					t.Errorf("%s: %s days = %s, want %s", stage, name, got, want[name])
				}
			}
			if n, err := db.Read().CountClicks(ctx); err != nil || n != raw {
				t.Errorf("%s: %d raw clicks, %v; want %d", stage, n, err, raw)
			}
			for p, n := range map[int64]int64{alice.ID: 6, bob.ID: 3} {
				if got, err := db.Read().Participant(ctx, p); err != nil || got.ClickCount != n {
					t.Errorf("%s: participant %d click_count = %d, %v; want %d", stage, p, got.ClickCount, err, n)
				}
			}
		}
		check("before", 9)
		if n, err := db.ReduceClicks(ctx, cutoff, 2); err != nil || n != 6 {
			t.Fatalf("reduced %d, %v; want 6", n, err)
		}
		check("after", 3)
		if n, err := db.ReduceClicks(ctx, cutoff, 2); err != nil || n != 0 {
			t.Fatalf("second run reduced %d, %v; want 0", n, err)
		}
		check("after a second run", 3)

		// A late old click adds to its day's count.
		mustClicks(t, db, click("late", alice, day(0, 12)))
		if n, err := db.ReduceClicks(ctx, cutoff, 1000); err != nil || n != 1 {
			t.Fatalf("late click: reduced %d, %v", n, err)
		}
		if got := clickDays(t, db, alice); got != "[{2026-11-01 4} {2026-11-02 2} {2026-11-10 1}]" {
			t.Errorf("after a late click: %s", got)
		}
		storagetest.AssertNowhere(t, db, "h-z1", "h-x7", "h-late")
	})
}

// TestReduceClickOfTheReferral reduces one click by id, and a missing one
// is no error.
func TestReduceClickOfTheReferral(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		mustClicks(t, db, referralhub.Click{ID: "k1", ParticipantID: alice.ID, Code: alice.Code, IPHash: "secret-hash", CreatedAt: day(0, 0)})
		for _, id := range []string{"k1", "k1", "nope"} {
			if err := db.InTx(ctx, func(q *storage.Queries) error { return q.ReduceClick(ctx, id) }); err != nil {
				t.Fatalf("reduce %s: %v", id, err)
			}
		}
		if got := clickDays(t, db, alice); got != "[{2026-11-01 1}]" {
			t.Errorf("days = %s", got)
		}
		storagetest.AssertNowhere(t, db, "secret-hash")
	})
}
