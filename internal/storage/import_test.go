package storage_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestImportedParticipants: a batch insert stores the new rows and skips
// (ID 0) one whose external id or code is taken; the look-ups by external
// id and by code find them, with their referrer; a batch update sets
// email, name and plan; imported referrals skip a referee referred
// already, count on their referrer and qualify with their standing.
func TestImportedParticipants(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		parts := []storage.ImportedParticipant{
			{ExternalID: "a", Email: "a@example.com", Name: "A", Plan: "free", Code: "aaaa0001", CreatedAt: t0},
			{ExternalID: "b", Plan: "paid", Code: "bbbb0001", CreatedAt: t0},
			{ExternalID: "c", Plan: "free", Code: "aaaa0001", CreatedAt: t0}, // code taken
		}
		var refIDs []int64
		err := db.InTx(ctx, func(q *storage.Queries) error {
			if err := q.InsertImportedParticipants(ctx, parts); err != nil {
				return err
			}
			refs := []referralhub.Referral{{ReferrerID: parts[0].ID, RefereeID: parts[1].ID, CreatedAt: t0}}
			ids, err := q.InsertImportedReferrals(ctx, refs, t0)
			if err != nil {
				return err
			}
			again, err := q.InsertImportedReferrals(ctx, refs, t0) // b is referred already
			if len(again) != 0 || err != nil {
				t.Errorf("referred twice: %v %v", again, err)
			}
			refIDs = ids
			return q.SettleImportedReferrals(ctx, ids, storage.RebuildInput{Now: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
		if parts[0].ID == 0 || parts[1].ID == 0 || parts[2].ID != 0 || len(refIDs) != 1 {
			t.Fatalf("inserted %+v, referrals %v", parts, refIDs)
		}
		got, err := db.Read().ImportedByExternal(ctx, []string{"a", "b", "c"})
		if err != nil || len(got) != 2 || got["b"].ReferrerID != parts[0].ID || got["a"].Email != "a@example.com" || got["b"].Email != "" {
			t.Fatalf("by external id: %+v %v", got, err)
		}
		holders, err := db.Read().CodeHolders(ctx, []string{"aaaa0001", "zzzz0001"})
		if err != nil || len(holders) != 1 || holders["aaaa0001"] != (storage.CodeHolder{ID: parts[0].ID, ExternalID: "a"}) {
			t.Fatalf("code holders: %+v %v", holders, err)
		}
		if n, err := db.Read().QualifiedCount(ctx, parts[0].ID); n != 1 || err != nil {
			t.Fatalf("a's qualified count = %d, %v", n, err)
		}
		update := got["a"]
		update.Email, update.Name, update.Plan = "", "Ann", "paid"
		if err := db.Write().UpdateImportedParticipants(ctx, []storage.ImportedParticipant{update}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Read().ImportedByExternal(ctx, []string{"a"})
		if a := got["a"]; a.Email != "" || a.Name != "Ann" || a.Plan != "paid" || a.Code != "aaaa0001" {
			t.Fatalf("updated a = %+v", a)
		}
		referrers, err := db.Read().ReferrersOf(ctx, []int64{parts[0].ID, parts[1].ID})
		if err != nil || len(referrers) != 1 || referrers[parts[1].ID] != parts[0].ID {
			t.Fatalf("referrers = %v, %v", referrers, err)
		}
	})
}
