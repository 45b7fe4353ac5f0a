package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
)

// TestBackupCopiesARunningSQLiteDatabase backs up the database of a running
// server that has a user, opens the copy and finds the user; a second
// backup to the same file is refused and leaves it alone.
func TestBackupCopiesARunningSQLiteDatabase(t *testing.T) {
	getenv := testEnv(t, "sqlite", nil)
	base, stop := startServe(t, getenv)
	signupAndGetCode(t, base)
	to := filepath.Join(t.TempDir(), "backup.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"backup", "--to", to}, getenv, &out, io.Discard); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(out.String(), "backed up") {
		t.Fatalf("output: %q", out.String())
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	db, err := storage.Open(context.Background(), "sqlite:"+to)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, _, err := db.Read().UserForLogin(context.Background(), "alice"); err != nil || u.Email != "a@example.com" {
		t.Fatalf("alice in the backup: %+v %v", u, err)
	}

	before, _ := os.ReadFile(to)
	err = run(context.Background(), []string{"backup", "--to", to}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	if after, _ := os.ReadFile(to); !bytes.Equal(before, after) {
		t.Fatal("the refused backup changed the file")
	}
	if err := run(context.Background(), []string{"backup"}, getenv, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--to") {
		t.Fatalf("backup without --to: %v", err)
	}
}

// TestBackupOfPostgresNamesPgDump: for PostgreSQL the command refuses and
// prints the pg_dump command line, without the password or the Go
// driver's own parameters.
func TestBackupOfPostgresNamesPgDump(t *testing.T) {
	getenv := testEnv(t, "sqlite", map[string]string{
		"REFERRALHUB_DATABASE_URL": "postgres://hub:s3cret@db.example.com:5432/referralhub?sslmode=require&search_path=rh&password=other" +
			"&pool_max_conns=20&statement_cache_capacity=0&application_name=hub"})
	to := filepath.Join(t.TempDir(), "hub.dump")
	err := run(context.Background(), []string{"backup", "--to", to}, getenv, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("backup of PostgreSQL succeeded")
	}
	want := "pg_dump --format=custom --file='" + to + "' --schema='rh' 'postgres://hub@db.example.com:5432/referralhub?application_name=hub&sslmode=require'"
	if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, "s3cret") || strings.Contains(msg, "other") {
		t.Fatalf("message:\n%s\nwant it to hold:\n%s\nand no password", msg, want)
	}
	if _, err := os.Stat(to); !os.IsNotExist(err) {
		t.Fatalf("a file was made: %v", err)
	}
}
