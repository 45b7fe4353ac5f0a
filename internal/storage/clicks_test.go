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

func TestInsertClicksInLargeBatchesSkipsStoredIDs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		clicks := make([]referralhub.Click, 4500) // more than one statement's worth
		for i := range clicks {
			clicks[i] = referralhub.Click{ID: fmt.Sprintf("k%05d", i), ParticipantID: alice.ID, Code: alice.Code,
				IPHash: "x", UserAgent: "ua", Referer: "", CreatedAt: t0.Add(time.Duration(i) * time.Second)}
		}
		before := db.QueryCount()
		for _, batch := range [][]referralhub.Click{clicks[:10], clicks} {
			if err := db.InsertClicks(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		// One insert and one count update per batch, whatever its size.
		if n := db.QueryCount() - before; n != 4 {
			t.Errorf("%d statements, want 4", n)
		}
		got, err := db.Read().Participant(ctx, alice.ID)
		if err != nil || got.ClickCount != int64(len(clicks)) {
			t.Fatalf("click_count = %d, %v; want %d (the repeated 10 counted once)", got.ClickCount, err, len(clicks))
		}
	})
}
