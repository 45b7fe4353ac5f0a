package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// changeCode runs ChangeCode in a transaction.
func changeCode(t *testing.T, db *storage.DB, id int64, old, next string, chosen bool) error {
	t.Helper()
	return db.InTx(context.Background(), func(q *storage.Queries) error {
		return q.ChangeCode(context.Background(), id, old, next, chosen, t0)
	})
}

// TestChangeCodeKeepsTheOldOne: after a change both codes lead to the
// participant, the old one is nobody else's to take, and a code someone
// holds or held is refused.
func TestChangeCodeKeepsTheOldOne(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		if err := changeCode(t, db, alice.ID, "calice", "alice-doe", true); err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"alice-doe", "calice"} {
			owner, err := db.Read().CodeOwner(ctx, code)
			if err != nil || owner.ParticipantID != alice.ID || owner.Code != "alice-doe" || owner.Username != "alice" {
				t.Fatalf("%s leads to %+v, %v; want alice, whose code is alice-doe", code, owner, err)
			}
		}
		chosen, old, err := db.Read().CodeChoice(ctx, alice.ID)
		if err != nil || !chosen.Equal(t0) || len(old) != 1 || old[0] != "calice" {
			t.Fatalf("choice = %v %v %v", chosen, old, err)
		}
		for _, taken := range []string{"calice", "alice-doe"} { // an alias, and a current code
			if err := changeCode(t, db, bob.ID, "cbob", taken, true); !errors.Is(err, storage.ErrCodeTaken) {
				t.Fatalf("bob takes %s: %v, want ErrCodeTaken", taken, err)
			}
			if holder, err := db.Read().CodeHolder(ctx, taken); err != nil || holder != alice.ID {
				t.Fatalf("holder of %s = %d, %v", taken, holder, err)
			}
		}
		if owner, err := db.Read().CodeOwner(ctx, "cbob"); err != nil || owner.ParticipantID != bob.ID {
			t.Fatalf("a refused change moved bob's code: %+v %v", owner, err)
		}
		// Back to an old code of one's own: it stops being an alias.
		if err := changeCode(t, db, alice.ID, "alice-doe", "calice", false); err != nil {
			t.Fatal(err)
		}
		if _, old, _ := db.Read().CodeChoice(ctx, alice.ID); len(old) != 1 || old[0] != "alice-doe" {
			t.Fatalf("aliases after going back = %v", old)
		}
	})
}

// TestAliasesFollowBansAndErasure: a banned participant's old codes lead
// nowhere, and an erased one's are forgotten.
func TestAliasesFollowBansAndErasure(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		if err := changeCode(t, db, alice.ID, "calice", "alice-doe", true); err != nil {
			t.Fatal(err)
		}
		if err := changeCode(t, db, bob.ID, "cbob", "bob-doe", true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Write().BanParticipant(ctx, alice.ID, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Read().CodeOwner(ctx, "calice"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("banned participant's old code: %v", err)
		}
		if err := db.Write().AnonymiseParticipant(ctx, bob.ID, "gone-bob-x", t0); err != nil {
			t.Fatal(err)
		}
		if _, old, err := db.Read().CodeChoice(ctx, bob.ID); err != nil || len(old) != 0 {
			t.Fatalf("erased participant keeps old codes %v (%v)", old, err)
		}
		if _, err := db.Read().CodeOwner(ctx, "cbob"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("erased participant's old code: %v", err)
		}
	})
}
