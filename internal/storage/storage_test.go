package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

func TestMigrateIsIdempotent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		applied, err := db.Migrate(ctx, t0)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
		pending, err := db.PendingMigrations(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending = %v, err %v", pending, err)
		}
	})
}

func TestPendingMigrationsOnEmptyDatabase(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db, err := storage.Open(context.Background(), storagetest.URL(t, engine))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			pending, err := db.PendingMigrations(context.Background())
			if err != nil || len(pending) == 0 {
				t.Fatalf("pending = %v, err %v; want every migration", pending, err)
			}
		})
	}
}

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

func TestParticipantCodeCollision(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustUser(t, db, "bob")
		u := referralhub.User{Email: "carol@example.com", Username: "carol", CreatedAt: t0}
		if err := db.Write().CreateUser(ctx, &u, "hash"); err != nil {
			t.Fatal(err)
		}
		p := referralhub.Participant{UserID: u.ID, Code: "cbob", CreatedAt: t0, LastSeenAt: t0}
		if err := db.Write().CreateParticipant(ctx, &p); !errors.Is(err, storage.ErrCodeTaken) {
			t.Fatalf("err = %v, want ErrCodeTaken", err)
		}
		owner, err := db.Read().CodeOwner(ctx, "cbob")
		if err != nil || owner.Username != "bob" {
			t.Fatalf("owner = %+v, %v", owner, err)
		}
		if _, err := db.Read().CodeOwner(ctx, "nope"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("unknown code: err = %v", err)
		}
	})
}

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

func TestSampleCodesAndIDs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		want := map[string]int64{}
		for _, name := range []string{"ann", "bob", "cat"} {
			_, p := mustUser(t, db, name)
			want[p.Code] = p.ID
		}
		codes, err := db.Read().SampleCodes(ctx, 0)
		if err != nil || len(codes) != len(want) {
			t.Fatalf("every code = %v, %v; want the %d codes", codes, err, len(want))
		}
		for _, c := range codes {
			if _, ok := want[c]; !ok {
				t.Fatalf("sampled code %q is nobody's", c)
			}
		}
		ids, err := db.Read().SampleParticipantIDs(ctx, 2)
		if err != nil || len(ids) != 2 || ids[0] == ids[1] {
			t.Fatalf("two ids = %v, %v; want two different participants", ids, err)
		}
		for _, id := range ids {
			if id != want["cann"] && id != want["cbob"] && id != want["ccat"] {
				t.Fatalf("sampled id %d is no participant's", id)
			}
		}
	})
}

func TestSQLiteFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.db")
	db, err := storage.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background(), t0); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, err %v; want 0600", p, info.Mode().Perm(), err)
		}
	}
}

// TestInTxReportsAnEndedContext: when the context ends inside a
// transaction, database/sql rolls it back; InTx says the context ended,
// not that the transaction was already done, and nothing is kept.
func TestInTxReportsAnEndedContext(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		err := db.InTx(ctx, func(q *storage.Queries) error {
			if _, err := q.EnqueueJob(ctx, storage.Job{Kind: "lost", Payload: []byte(`{}`), MaxAttempts: 1, RunAt: t0, CreatedAt: t0}); err != nil {
				return err
			}
			cancel()
			// Wait until database/sql has rolled back, as it does in the
			// background once the context ends.
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				if _, err := q.Jobs(context.Background(), "", 1); errors.Is(err, sql.ErrTxDone) {
					return nil
				}
			}
			return errors.New("the transaction was not rolled back when its context ended")
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if jobs, err := db.Read().Jobs(context.Background(), "", 10); err != nil || len(jobs) != 0 {
			t.Fatalf("jobs = %v, %v; want none kept", jobs, err)
		}
	})
}
