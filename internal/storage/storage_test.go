package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// mustUser creates a user with a participant whose code is "c"+name.
func mustUser(t testing.TB, db *storage.DB, name string) (referralhub.User, referralhub.Participant) {
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

// openAtSchema opens a fresh database of engine migrated up to version
// last (at now), for upgrade tests, closed when the test ends. It returns
// the database and its URL.
func openAtSchema(t *testing.T, engine string, now time.Time, last int) (*storage.DB, string) {
	t.Helper()
	url := storagetest.URL(t, engine)
	db, err := storage.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.MigrateTo(context.Background(), now, last); err != nil {
		t.Fatal(err)
	}
	return db, url
}

// mustUserAtOldSchema is mustUser for a database migrated only part way,
// in upgrade tests: the participant is inserted by plain SQL, since
// today's CreateParticipant reads tables a later migration adds (code
// aliases). Its times are copied from the user's row, stored by today's
// CreateUser in the engine's own format.
func mustUserAtOldSchema(t *testing.T, db *storage.DB, dbURL, name string) (referralhub.User, referralhub.Participant) {
	t.Helper()
	ctx := context.Background()
	u := referralhub.User{Email: name + "@example.com", Username: name, CreatedAt: t0}
	if err := db.Write().CreateUser(ctx, &u, "hash"); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	p := referralhub.Participant{UserID: u.ID, Code: "c" + name, CreatedAt: t0, LastSeenAt: t0}
	raw := storagetest.Raw(t, dbURL)
	err := raw.QueryRowContext(ctx, `INSERT INTO participants (user_id, code, created_at, last_seen_at)
		SELECT id, $1, created_at, created_at FROM users WHERE id = $2 RETURNING id`, p.Code, u.ID).Scan(&p.ID)
	if err != nil {
		t.Fatalf("create %s's participant: %v", name, err)
	}
	return u, p
}
