package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
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
