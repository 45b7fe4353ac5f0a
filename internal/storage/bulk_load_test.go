package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestBulkRowsKeepTheCallersCounts: BulkParticipants stores the counts it
// is given, and BulkReferralRows and BulkClicks add nothing to them;
// BulkReferralRows stores the flagged referrals as qualified when made.
func TestBulkRowsKeepTheCallersCounts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		parts := []referralhub.Participant{
			{Code: "hubcode1", CreatedAt: t0, LastSeenAt: t0, ReferralCount: 2, QualifiedCount: 1, ClickCount: 3},
			{Code: "friend01", CreatedAt: t0, LastSeenAt: t0},
			{Code: "friend02", CreatedAt: t0, LastSeenAt: t0},
		}
		err := db.BulkLoad(ctx, func(q *storage.Queries) error {
			if err := q.BulkParticipants(ctx, parts); err != nil {
				return err
			}
			refs := []referralhub.Referral{
				{ReferrerID: parts[0].ID, RefereeID: parts[1].ID, ClickID: "k1", CreatedAt: t0},
				{ReferrerID: parts[0].ID, RefereeID: parts[2].ID, ClickID: "k2", CreatedAt: t0},
			}
			if err := q.BulkReferralRows(ctx, refs, []bool{true, false}); err != nil {
				return err
			}
			var clicks []referralhub.Click
			for _, id := range []string{"k1", "k2", "k3"} {
				clicks = append(clicks, referralhub.Click{ID: id, ParticipantID: parts[0].ID, Code: parts[0].Code, CreatedAt: t0})
			}
			return q.BulkClicks(ctx, clicks)
		})
		if err != nil {
			t.Fatal(err)
		}
		hub, err := db.Read().Participant(ctx, parts[0].ID)
		if err != nil || hub.ReferralCount != 2 || hub.ClickCount != 3 {
			t.Fatalf("hub = %+v, %v; want 2 referrals, 3 clicks", hub, err)
		}
		if n, err := db.Read().QualifiedCount(ctx, parts[0].ID); err != nil || n != 1 {
			t.Fatalf("hub has %d qualified referrals, %v; want 1", n, err)
		}
		if n, err := db.Read().CountClicks(ctx); err != nil || n != 3 {
			t.Fatalf("%d clicks stored, %v; want 3", n, err)
		}
		for i, want := range []bool{true, false} {
			checkQualified(t, db, parts[i+1].ID, want)
		}
	})
}

// checkQualified checks whether the referral of referee is qualified (by
// taking its qualification back, in a transaction that is rolled back).
func checkQualified(t *testing.T, db *storage.DB, refereeID int64, want bool) {
	t.Helper()
	ctx := context.Background()
	ref, err := db.Read().ReferralOf(ctx, refereeID)
	if err != nil {
		t.Fatal(err)
	}
	errRollback := errors.New("roll back")
	err = db.InTx(ctx, func(q *storage.Queries) error {
		_, was, err := q.UnqualifyReferral(ctx, ref.ID)
		if err == nil && was != want {
			t.Errorf("referral of %d: qualified = %v, want %v", refereeID, was, want)
		}
		return errors.Join(err, errRollback)
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
}

// TestBulkRowsConflicts: a click id stored twice and a referee referred
// twice fail as conflicts; a flag slice of the wrong length is refused.
func TestBulkRowsConflicts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		q := db.Write()
		click := referralhub.Click{ID: "dup", ParticipantID: alice.ID, Code: alice.Code, CreatedAt: t0}
		if err := q.BulkClicks(ctx, []referralhub.Click{click, click}); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Errorf("click id twice: err = %v, want conflict", err)
		}
		refs := []referralhub.Referral{{ReferrerID: alice.ID, RefereeID: bob.ID, CreatedAt: t0}, {ReferrerID: alice.ID, RefereeID: bob.ID, CreatedAt: t0}}
		if err := q.BulkReferralRows(ctx, refs, nil); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Errorf("referee twice: err = %v, want conflict", err)
		}
		if err := q.BulkReferralRows(ctx, refs[:1], []bool{true, true}); err == nil {
			t.Error("two flags for one referral: no error")
		}
		if n, err := db.Read().CountClicks(ctx); err != nil || n != 0 {
			t.Errorf("%d clicks stored, %v; want none", n, err)
		}
	})
}

// TestBulkLoadRollsBack: a load whose function fails stores nothing.
func TestBulkLoadRollsBack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		failed := errors.New("failed")
		err := db.BulkLoad(ctx, func(q *storage.Queries) error {
			return errors.Join(q.BulkUsers(ctx, bulkUsers(10), "hash"), failed)
		})
		if !errors.Is(err, failed) {
			t.Fatalf("err = %v, want the function's", err)
		}
		if taken, _, err := db.Read().TakenFields(ctx, "bulk00001@example.com", "bulk00001"); err != nil || taken {
			t.Fatalf("a user of the failed load is stored (%v)", err)
		}
	})
}

// TestBulkLoadChecksForeignKeys: a row pointing to a missing one fails the
// load and nothing is stored.
func TestBulkLoadChecksForeignKeys(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		err := db.BulkLoad(ctx, func(q *storage.Queries) error {
			click := referralhub.Click{ID: "ok", ParticipantID: alice.ID, Code: alice.Code, CreatedAt: t0}
			if err := q.BulkClicks(ctx, []referralhub.Click{click}); err != nil {
				return err
			}
			return q.BulkReferralRows(ctx, []referralhub.Referral{{ReferrerID: alice.ID, RefereeID: 999999, CreatedAt: t0}}, nil)
		})
		if err == nil {
			t.Fatal("a referral of a missing participant was loaded")
		}
		if n, err := db.Read().CountClicks(ctx); err != nil || n != 0 {
			t.Fatalf("%d clicks stored, %v; want none", n, err)
		}
	})
}

// TestRebuildAwardsEveryBadgeInOnePass: the rebuild awards each badge
// whose threshold a referrer's qualified referrals reached, dated by the
// referral that reached it; of two badges with one threshold, the first.
func TestRebuildAwardsEveryBadgeInOnePass(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		parts := []referralhub.Participant{{Code: "referrer", CreatedAt: t0, LastSeenAt: t0, ReferralCount: 12, QualifiedCount: 11}}
		for i := range 12 {
			parts = append(parts, referralhub.Participant{Code: fmt.Sprintf("friend%02d", i), CreatedAt: t0, LastSeenAt: t0})
		}
		var refs []referralhub.Referral
		qualified := make([]bool, 12)
		err := db.BulkLoad(ctx, func(q *storage.Queries) error {
			if err := q.BulkParticipants(ctx, parts); err != nil {
				return err
			}
			for i, p := range parts[1:] {
				refs = append(refs, referralhub.Referral{ReferrerID: parts[0].ID, RefereeID: p.ID, CreatedAt: t0.Add(time.Duration(i) * time.Hour)})
				qualified[i] = i != 3 // the fourth does not count
			}
			if err := q.BulkReferralRows(ctx, refs, qualified); err != nil {
				return err
			}
			return q.RebuildGamification(ctx, storage.RebuildInput{RequireVerified: true, Now: t0.Add(24 * time.Hour),
				Badges: []referralhub.Badge{{Name: "First", Threshold: 1}, {Name: "Ten", Threshold: 10}, {Name: "Fifty", Threshold: 50},
					{Name: "Also first", Threshold: 1}, {Name: "None", Threshold: 0}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Read().Badges(ctx, parts[0].ID)
		want := []referralhub.EarnedBadge{{Name: "First", Threshold: 1, EarnedAt: t0}, {Name: "Ten", Threshold: 10, EarnedAt: t0.Add(10 * time.Hour)}}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("badges = %+v, %v; want %+v", got, err, want)
		}
	})
}

// TestDropIndexesMakesThemAgain: the indexes (and on PostgreSQL the
// foreign keys) are gone until the function makes them again, and back
// when the transaction rolls back.
func TestDropIndexesMakesThemAgain(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tables := []string{"users", "referrals"}
		var first []string
		err := db.InTx(ctx, func(q *storage.Queries) error {
			dropped, remake, err := q.DropIndexes(ctx, tables...)
			if err != nil {
				return err
			}
			first = dropped
			if again, _, err := q.DropIndexes(ctx, tables...); err != nil || len(again) != 0 {
				t.Errorf("dropped twice: %v, %v", again, err)
			}
			return remake()
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"referrals_referrer_idx", "referrals_referee_key", "users_verified_idx", "users_email_key"}
		if db.Engine() == "postgres" {
			want = append(want, "referrals_referrer_id_fkey")
		}
		for _, name := range want {
			if !slices.Contains(first, name) {
				t.Fatalf("dropped %v: want %s among them", first, name)
			}
		}
		errRollback := errors.New("roll back")
		for _, after := range []string{"commit", "rollback"} {
			err := db.InTx(ctx, func(q *storage.Queries) error {
				dropped, _, err := q.DropIndexes(ctx, tables...)
				if err == nil && !slices.Equal(dropped, first) {
					t.Errorf("after a %s: dropped %v, want %v again", after, dropped, first)
				}
				return errors.Join(err, errRollback)
			})
			if !errors.Is(err, errRollback) {
				t.Fatal(err)
			}
		}
	})
}

// TestDropIndexesCatchesDuplicates: rows that break a unique index or a
// foreign key while they are dropped fail the remake with ECONFLICT.
func TestDropIndexesCatchesDuplicates(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		for name, load := range map[string]func(q *storage.Queries) error{
			"taken username": func(q *storage.Queries) error {
				return q.BulkUsers(ctx, []referralhub.User{{Email: "other@example.com", Username: "Alice", CreatedAt: t0}}, "h")
			},
			"missing referee, or on SQLite a taken email": func(q *storage.Queries) error {
				if db.Engine() == "sqlite" { // SQLite checks its keys row by row still
					return q.BulkUsers(ctx, []referralhub.User{{Email: "ALICE@example.com", Username: "alice2", CreatedAt: t0}}, "h")
				}
				return q.BulkReferralRows(ctx, []referralhub.Referral{{ReferrerID: bob.ID, RefereeID: 999999, CreatedAt: t0}}, nil)
			},
		} {
			err := db.InTx(ctx, func(q *storage.Queries) error {
				_, remake, err := q.DropIndexes(ctx, "users", "referrals")
				if err != nil {
					return err
				}
				if err := load(q); err != nil {
					return fmt.Errorf("load: %w", err)
				}
				return remake()
			})
			if referralhub.ErrorCode(err) != referralhub.ECONFLICT {
				t.Errorf("%s: err = %v, want conflict", name, err)
			}
		}
	})
}

// TestBulkLoadCountsTheProgramOnce: on SQLite a bulk load drops the
// program count triggers with the indexes and counts the program when it
// makes them again; on either engine the counts are exact after it.
func TestBulkLoadCountsTheProgramOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustUser(t, db, "alice") // counted by the triggers before the load
		var dropped []string
		err := db.BulkLoad(ctx, func(q *storage.Queries) error {
			names, remake, err := q.DropIndexes(ctx, "users", "participants")
			if err != nil {
				return err
			}
			dropped = names
			users := []referralhub.User{{Email: "b@example.com", Username: "b", CreatedAt: t0}, {Email: "c@example.com", Username: "c", CreatedAt: t0}}
			if err := q.BulkUsers(ctx, users, "h"); err != nil {
				return err
			}
			return remake()
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(dropped, "program_counts_users_insert"); got != (db.Engine() == "sqlite") {
			t.Errorf("dropped %v: the users' count trigger among them is %v, want it on SQLite only", dropped, got)
		}
		wrong, err := db.Read().CheckProgramCounts(ctx)
		if err != nil || len(wrong) != 0 {
			t.Fatalf("counts after the load: %+v, %v", wrong, err)
		}
		counts, err := db.Read().ProgramCounts(ctx)
		if err != nil || counts["users"] != 3 {
			t.Fatalf("users counted %d (%v), want 3", counts["users"], err)
		}
		// The triggers are back: a later write is counted.
		mustUser(t, db, "dave")
		if counts, _ := db.Read().ProgramCounts(ctx); counts["users"] != 4 {
			t.Fatalf("users counted %d after one more, want 4", counts["users"])
		}
	})
}
