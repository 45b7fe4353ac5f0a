package storage_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// beforeIDsNeverReused is the last migration before 0013_ids_never_reused.
const beforeIDsNeverReused = 12

// TestIDsAreNeverReusedAfterUpgrade upgrades a database made before
// migration 0013 and checks that its rows, their children and indexes came
// through the rebuild, and that the ids of deleted users, endpoints and
// deliveries are not given out again (SQLite reused the highest).
func TestIDsAreNeverReusedAfterUpgrade(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dbURL := storagetest.URL(t, engine)
			db, err := storage.Open(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.MigrateTo(ctx, t0, beforeIDsNeverReused); err != nil {
				t.Fatal(err)
			}
			alice, ap := mustUserAtOldSchema(t, db, dbURL, "alice")
			bob, bp := mustUserAtOldSchema(t, db, dbURL, "bob")
			for _, u := range []referralhub.User{alice, bob} {
				if err := db.Write().CreateSession(ctx, "tok-"+u.Username, u.ID, t0, t0.AddDate(0, 0, 1)); err != nil {
					t.Fatal(err)
				}
			}
			keep := mustEndpoint(t, db, "https://a.example/hook", "reward.created")
			drop := mustEndpoint(t, db, "https://b.example/hook", "reward.created")
			ds := mustEvent(t, db, "evt_1", ap.ID, keep.ID, drop.ID)
			attempt(t, db, ds[0], 500, referralhub.WebhookPending, t0)

			if applied, err := db.Migrate(ctx, t0); err != nil || len(applied) == 0 {
				t.Fatalf("upgrade applied %v: %v", applied, err)
			}
			checkSurvivors(t, db, alice, ds[0])

			// Deleting the newest of each frees the highest id.
			if err := db.Write().DeleteUser(ctx, bob.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Read().Participant(ctx, bp.ID); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
				t.Errorf("bob's participant outlived his user (foreign keys lost?): %v", err)
			}
			if _, err := db.Write().DeleteWebhookEndpoint(ctx, drop.ID); err != nil {
				t.Fatal(err)
			}
			if carol, _ := mustUser(t, db, "carol"); carol.ID <= bob.ID {
				t.Errorf("carol got id %d, bob had %d", carol.ID, bob.ID)
			}
			if e := mustEndpoint(t, db, "https://c.example/hook", "reward.created"); e.ID <= drop.ID {
				t.Errorf("new endpoint got id %d, the deleted one had %d", e.ID, drop.ID)
			}
			if d := mustEvent(t, db, "evt_2", ap.ID, keep.ID); d[0].ID <= ds[1].ID {
				t.Errorf("new delivery got id %d, the deleted one had %d", d[0].ID, ds[1].ID)
			}
		})
	}
}

// checkSurvivors checks that the upgrade kept alice, her session, her
// unique email and the delivery's attempt.
func checkSurvivors(t *testing.T, db *storage.DB, alice referralhub.User, d referralhub.WebhookDelivery) {
	t.Helper()
	ctx := context.Background()
	if u, _, err := db.Read().SessionUser(ctx, "tok-alice", t0); err != nil || u.ID != alice.ID || u.Email != alice.Email {
		t.Errorf("alice's session after the upgrade: %+v, %v", u, err)
	}
	dup := referralhub.User{Email: "ALICE@example.com", Username: "alice2", CreatedAt: t0}
	if err := db.Write().CreateUser(ctx, &dup, "hash"); referralhub.ErrorCode(err) != referralhub.ECONFLICT {
		t.Errorf("a second alice@example.com: %v, want a conflict (unique index lost?)", err)
	}
	as, err := db.Read().WebhookAttempts(ctx, d.EndpointID, d.ID, 10)
	if err != nil || len(as) != 1 || as[0].StatusCode != 500 {
		t.Errorf("attempts after the upgrade: %+v, %v", as, err)
	}
	if got := delivery(t, db, d.ID); got.State != referralhub.WebhookPending || got.Attempts != 1 {
		t.Errorf("delivery after the upgrade: %+v", got)
	}
}
