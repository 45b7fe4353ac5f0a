package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func TestFailedLoginsLockAfterThreshold(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		u, _ := mustUser(t, db, "alice")
		q := db.Write()
		// An old failure outside the window does not count.
		if _, err := q.RecordFailedLogin(ctx, u.ID, t0.Add(-time.Hour), 15*time.Minute, 5, 15*time.Minute); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 5; i++ {
			locked, err := q.RecordFailedLogin(ctx, u.ID, t0.Add(time.Duration(i)*time.Minute), 15*time.Minute, 5, 15*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if got := !locked.IsZero(); got != (i == 5) {
				t.Fatalf("failure %d: locked = %v", i, locked)
			}
		}
		_, st, err := db.Read().UserForLogin(ctx, "ALICE")
		if err != nil || !st.LockedUntil.Equal(t0.Add(20*time.Minute)) {
			t.Fatalf("locked until %v, err %v", st.LockedUntil, err)
		}
		if err := q.ResetFailedLogins(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, st, _ := db.Read().UserForLogin(ctx, "alice@example.com"); !st.LockedUntil.IsZero() {
			t.Fatalf("still locked after reset: %v", st.LockedUntil)
		}
	})
}
