package storage_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestUpgradeShowsReferrersHiddenOnlyForAFlag: migration 0014 brings back
// the participants an older version hid from the leaderboard because a
// referral of theirs waited for review, with their ranks; one hidden by
// choice stays hidden.
func TestUpgradeShowsReferrersHiddenOnlyForAFlag(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dbURL := storagetest.URL(t, engine)
			db, err := storage.Open(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.MigrateTo(ctx, t0, 13); err != nil {
				t.Fatal(err)
			}
			_, flagged := mustUserAtOldSchema(t, db, dbURL, "flagged")
			_, shy := mustUserAtOldSchema(t, db, dbURL, "shy")
			_, plain := mustUserAtOldSchema(t, db, dbURL, "plain")
			err = db.InTx(ctx, func(q *storage.Queries) error {
				for id, n := range map[int64]int64{flagged.ID: 3, shy.ID: 2, plain.ID: 1} {
					if err := q.BumpLeaderboard(ctx, referralhub.BoardAll, id, n, t0); err != nil {
						return err
					}
				}
				if err := q.SetBoardProfile(ctx, shy.ID, "", referralhub.ShowNobody); err != nil {
					return err
				}
				for _, id := range []int64{flagged.ID, shy.ID} {
					if err := q.SetLeaderboardHidden(ctx, id, true); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx, t0); err != nil {
				t.Fatal(err)
			}
			top, err := db.Read().TopOfBoard(ctx, referralhub.BoardAll, 10)
			if err != nil || len(top) != 2 || top[0].ParticipantID != flagged.ID || top[1].ParticipantID != plain.ID {
				t.Fatalf("top = %+v, %v; want flagged then plain", top, err)
			}
			for id, want := range map[int64]int64{flagged.ID: 1, plain.ID: 2, shy.ID: 0} {
				if pos, err := db.Read().PositionOnBoard(ctx, referralhub.BoardAll, id); err != nil || pos.Rank != want {
					t.Errorf("participant %d: %+v, %v; want rank %d", id, pos, err, want)
				}
			}
		})
	}
}
