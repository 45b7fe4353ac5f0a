package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// bulkN spans more than one chunk of every bulk insert.
const bulkN = 7600

func bulkUsers(n int) []referralhub.User {
	users := make([]referralhub.User, n)
	for i := range users {
		name := fmt.Sprintf("bulk%05d", i)
		users[i] = referralhub.User{Email: name + "@example.com", Username: name, CreatedAt: t0.Add(time.Duration(i) * time.Second)}
	}
	return users
}

func bulkParticipants(users []referralhub.User) []referralhub.Participant {
	parts := make([]referralhub.Participant, len(users))
	for i, u := range users {
		parts[i] = referralhub.Participant{UserID: u.ID, Code: fmt.Sprintf("b%07d", i), CreatedAt: u.CreatedAt, LastSeenAt: u.CreatedAt}
	}
	return parts
}

// loadBulk inserts bulkN users with participants; participant i+1 is
// referred by participant 0.
func loadBulk(t *testing.T, db *storage.DB) ([]referralhub.User, []referralhub.Participant) {
	t.Helper()
	ctx := context.Background()
	users := bulkUsers(bulkN)
	var parts []referralhub.Participant
	err := db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.BulkUsers(ctx, users, "hash"); err != nil {
			return err
		}
		parts = bulkParticipants(users)
		if err := q.BulkParticipants(ctx, parts); err != nil {
			return err
		}
		refs := make([]referralhub.Referral, 0, len(parts)-1)
		for _, p := range parts[1:] {
			refs = append(refs, referralhub.Referral{ReferrerID: parts[0].ID, RefereeID: p.ID, ClickID: "k" + p.Code, CreatedAt: p.CreatedAt})
		}
		return q.BulkReferrals(ctx, refs)
	})
	if err != nil {
		t.Fatalf("bulk load: %v", err)
	}
	return users, parts
}

func TestBulkInsertSetsIDs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		users, parts := loadBulk(t, db)
		for i := 1; i < len(users); i++ {
			if users[i].ID <= users[i-1].ID || parts[i].ID <= parts[i-1].ID {
				t.Fatalf("ids do not increase at %d: users %d, %d; participants %d, %d",
					i, users[i-1].ID, users[i].ID, parts[i-1].ID, parts[i].ID)
			}
		}
		for _, i := range []int{0, 4284, 4285, 5999, 6000, bulkN - 1} {
			u, st, err := db.Read().UserForLogin(ctx, users[i].Username)
			if err != nil || u.ID != users[i].ID || st.PasswordHash != "hash" || !u.CreatedAt.Equal(users[i].CreatedAt) {
				t.Fatalf("user %d = %+v, %v; want id %d", i, u, err, users[i].ID)
			}
			owner, err := db.Read().CodeOwner(ctx, parts[i].Code)
			if err != nil || owner.ParticipantID != parts[i].ID || owner.Username != users[i].Username {
				t.Fatalf("code owner %d = %+v, %v; want participant %d", i, owner, err, parts[i].ID)
			}
		}
		hub, err := db.Read().Participant(ctx, parts[0].ID)
		if err != nil || hub.ReferralCount != bulkN-1 {
			t.Fatalf("hub = %+v, %v; want %d referrals counted", hub, err, bulkN-1)
		}
		if active, err := db.Read().ActiveReferrals(ctx, parts[0].ID, t0); err != nil || active != bulkN-1 {
			t.Fatalf("active = %d, %v; want %d", active, err, bulkN-1)
		}
	})
}

func TestBulkInsertConflicts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		_, carol := mustUser(t, db, "carol")
		q := db.Write()
		dupUser := referralhub.User{Email: "x@example.com", Username: "ALICE", CreatedAt: t0}
		if err := q.BulkUsers(ctx, []referralhub.User{dupUser}, "hash"); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Errorf("taken username: err = %v, want conflict", err)
		}
		dupCode := referralhub.Participant{Code: alice.Code, CreatedAt: t0, LastSeenAt: t0}
		if err := q.BulkParticipants(ctx, []referralhub.Participant{dupCode}); !errors.Is(err, storage.ErrCodeTaken) {
			t.Errorf("taken code: err = %v, want ErrCodeTaken", err)
		}
		refs := []referralhub.Referral{
			{ReferrerID: alice.ID, RefereeID: carol.ID, CreatedAt: t0},
			{ReferrerID: bob.ID, RefereeID: carol.ID, CreatedAt: t0},
		}
		if err := q.BulkReferrals(ctx, refs); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
			t.Errorf("referee twice: err = %v, want conflict", err)
		}
	})
}

func TestBulkInsertEmptyRunsNoQuery(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		before := db.QueryCount()
		q := db.Write()
		err := errors.Join(q.BulkUsers(ctx, nil, "hash"), q.BulkParticipants(ctx, nil), q.BulkReferrals(ctx, nil))
		if err != nil || db.QueryCount() != before {
			t.Fatalf("err = %v, queries = %d", err, db.QueryCount()-before)
		}
	})
}
