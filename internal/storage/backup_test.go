package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestBackupWhileInUse backs up a SQLite database while a second handle on
// it (as a running server would be) keeps writing, then opens the copy and
// finds the data; a second backup to the same file is refused.
func TestBackupWhileInUse(t *testing.T) {
	ctx := context.Background()
	url := storagetest.URL(t, "sqlite")
	server := openMigrated(t, url)
	mustUser(t, server, "alice")
	backup, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer backup.Close()

	stop, written := make(chan struct{}), make(chan error)
	go func() { written <- keepWriting(ctx, server, stop) }()
	path := filepath.Join(t.TempDir(), "backup.db")
	err = backup.BackupTo(ctx, path)
	close(stop)
	if werr := <-written; err != nil || werr != nil {
		t.Fatalf("backup: %v; writes beside it: %v", err, werr)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v, want mode 0600", fi, err)
	}

	cp, err := storage.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if pending, err := cp.PendingMigrations(ctx); err != nil || len(pending) != 0 {
		t.Fatalf("the copy's pending migrations: %v %v", pending, err)
	}
	if u, _, err := cp.Read().UserForLogin(ctx, "alice"); err != nil || u.Email != "alice@example.com" {
		t.Fatalf("alice in the copy: %+v %v", u, err)
	}

	before, _ := os.ReadFile(path)
	err = backup.BackupTo(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second backup to the same file: %v, want a refusal", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("the refused backup changed the existing file")
	}
}

func TestBackupRefusesPostgres(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		if db.Engine() != "postgres" {
			t.Skip("PostgreSQL only")
		}
		path := filepath.Join(t.TempDir(), "backup.db")
		if err := db.BackupTo(context.Background(), path); !errors.Is(err, storage.ErrBackupPostgres) {
			t.Fatalf("err = %v, want ErrBackupPostgres", err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a file was left at %s: %v", path, err)
		}
	})
}

// keepWriting creates users until stop closes.
func keepWriting(ctx context.Context, db *storage.DB, stop <-chan struct{}) error {
	for n := 0; ; n++ {
		select {
		case <-stop:
			return nil
		default:
		}
		u := referralhub.User{Email: fmt.Sprintf("writer%d@example.com", n), Username: fmt.Sprint("writer", n), CreatedAt: t0}
		if err := db.Write().CreateUser(ctx, &u, "hash"); err != nil {
			return err
		}
	}
}

// openMigrated opens url, migrates it and closes it at cleanup.
func openMigrated(t *testing.T, url string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background(), t0); err != nil {
		t.Fatal(err)
	}
	return db
}
