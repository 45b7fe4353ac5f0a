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

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// mustUser creates a user with a participant whose code is "c"+name.
func mustUser(t *testing.T, db *storage.DB, name string) (referralhub.User, referralhub.Participant) {
	t.Helper()
	ctx := context.Background()
	u := referralhub.User{Email: name + "@example.com", Username: name, CreatedAt: t0}
	p := referralhub.Participant{Code: "c" + name, CreatedAt: t0, LastSeenAt: t0}
	err := db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.CreateUser(ctx, &u, "hash"); err != nil {
			return err
		}
		p.UserID = u.ID
		return q.CreateParticipant(ctx, &p)
	})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u, p
}

func TestReferralCountersAndList(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		var clicks []referralhub.Click
		var last referralhub.Participant
		for i := range 3 {
			_, friend := mustUser(t, db, fmt.Sprintf("friend%d", i))
			r := referralhub.Referral{ReferrerID: alice.ID, RefereeID: friend.ID, ClickID: fmt.Sprintf("k%d", i), CreatedAt: t0.Add(time.Duration(i) * time.Hour)}
			if err := db.Write().CreateReferral(ctx, &r); err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				if err := db.Write().TouchParticipant(ctx, friend.ID, t0.Add(40*24*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			last = friend
			clicks = append(clicks, referralhub.Click{ID: fmt.Sprintf("k%d", i), ParticipantID: alice.ID, Code: alice.Code, IPHash: "x", CreatedAt: t0})
		}
		// Inserting the same batch twice stores each click once.
		for range 2 {
			if err := db.InsertClicks(ctx, clicks); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Read().Participant(ctx, alice.ID)
		if err != nil || got.ReferralCount != 3 || got.ClickCount != 3 {
			t.Fatalf("alice = %+v, %v; want 3 referrals and 3 clicks counted once", got, err)
		}
		if active, err := db.Read().ActiveReferrals(ctx, alice.ID, t0.Add(30*24*time.Hour)); err != nil || active != 1 {
			t.Fatalf("active = %d, %v; want 1", active, err)
		}
		if n, err := db.Read().CountClicks(ctx); err != nil || n != 3 {
			t.Fatalf("clicks stored = %d, %v", n, err)
		}
		list, err := db.Read().ReferredUsers(ctx, alice.ID, 2, 0)
		if err != nil || len(list) != 2 || list[0].Username != "friend2" || !list[0].JoinedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("list = %+v, %v", list, err)
		}
		dup := referralhub.Referral{ReferrerID: alice.ID, RefereeID: last.ID, CreatedAt: t0}
		if err := db.Write().CreateReferral(ctx, &dup); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Fatalf("second referral of one person: err = %v, want conflict", err)
		}
	})
}
