package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func TestSessionsExpire(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		u, p := mustUser(t, db, "alice")
		if err := db.Write().CreateSession(ctx, "h1", u.ID, t0, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, gp, err := db.Read().SessionUser(ctx, "h1", t0.Add(time.Minute))
		if err != nil || got.ID != u.ID || gp.ID != p.ID || gp.Code != "calice" {
			t.Fatalf("session user = %+v %+v %v", got, gp, err)
		}
		if _, _, err := db.Read().SessionUser(ctx, "h1", t0.Add(2*time.Hour)); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Fatalf("expired session: err = %v", err)
		}
		if n, err := db.Write().DeleteExpiredSessions(ctx, t0.Add(2*time.Hour)); err != nil || n != 1 {
			t.Fatalf("deleted %d, %v", n, err)
		}
	})
}
