package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

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
			if _, err := q.EnqueueJob(ctx, referralhub.Job{Kind: "lost", Payload: []byte(`{}`), MaxAttempts: 1, RunAt: t0, CreatedAt: t0}); err != nil {
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
