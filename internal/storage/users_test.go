package storage_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func TestUniqueEmailAndUsernameIgnoreCase(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustUser(t, db, "alice")
		for _, tc := range []struct{ email, username, field string }{
			{"ALICE@example.com", "other", "email"},
			{"other@example.com", "ALICE", "username"},
		} {
			u := referralhub.User{Email: tc.email, Username: tc.username, CreatedAt: t0}
			err := db.Write().CreateUser(ctx, &u, "hash")
			if referralhub.ErrorCode(err) != referralhub.ECONFLICT || referralhub.ErrorFields(err)[tc.field] == "" {
				t.Errorf("%s/%s: err = %v, want conflict on %s", tc.email, tc.username, err, tc.field)
			}
		}
		emailTaken, usernameTaken, err := db.Read().TakenFields(ctx, "Alice@Example.com", "ALICE")
		if err != nil || !emailTaken || !usernameTaken {
			t.Errorf("TakenFields = %v, %v, %v", emailTaken, usernameTaken, err)
		}
	})
}
