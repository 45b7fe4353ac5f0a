// Package storagetest gives tests a fresh, migrated database on each engine:
// SQLite always, PostgreSQL too when REFERRALHUB_TEST_DATABASE_URL is set.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// EnvPostgres names the variable that switches the PostgreSQL suite on.
const EnvPostgres = "REFERRALHUB_TEST_DATABASE_URL"

// Engines lists the engines under test: "sqlite", and "postgres" when
// REFERRALHUB_TEST_DATABASE_URL is set.
func Engines() []string {
	if os.Getenv(EnvPostgres) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Each runs fn as a subtest once per engine, each with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) { fn(t, Open(t, engine)) })
	}
}

// Open returns a fresh migrated database on engine, removed at cleanup.
func Open(tb testing.TB, engine string) *storage.DB {
	tb.Helper()
	return openURL(tb, engine, URL(tb, engine))
}

// OpenWithRaw is Open, with Raw's handle on the same database beside it.
func OpenWithRaw(tb testing.TB, engine string) (*storage.DB, *sql.DB) {
	tb.Helper()
	dbURL := URL(tb, engine)
	return openURL(tb, engine, dbURL), Raw(tb, dbURL)
}

// Raw returns a plain database/sql handle on the database at dbURL (a
// URL as REFERRALHUB_DATABASE_URL takes), closed at cleanup, for tests
// that change rows behind ReferralHub's back (a ledger edited by SQL).
func Raw(tb testing.TB, dbURL string) *sql.DB {
	tb.Helper()
	driver, dsn := "pgx", dbURL
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

func openURL(tb testing.TB, engine, dbURL string) *storage.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		tb.Fatalf("open %s: %v", engine, err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, time.Now()); err != nil {
		tb.Fatalf("migrate %s: %v", engine, err)
	}
	tb.Cleanup(func() { checkProgramCounts(tb, db) })
	return db
}

// URL returns a database URL for a fresh, empty database on engine: a file
// in a temporary directory, or a new PostgreSQL schema dropped at cleanup.
func URL(tb testing.TB, engine string) string {
	tb.Helper()
	if engine == "sqlite" {
		return "sqlite:" + filepath.Join(tb.TempDir(), "test.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		tb.Skip(EnvPostgres + " is not set")
	}
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema (is PostgreSQL running at %s?): %v", base, err)
	}
	tb.Cleanup(func() { dropSchema(tb, base, schema) })
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	query := u.Query()
	query.Set("search_path", schema)
	u.RawQuery = query.Encode()
	return u.String()
}

func dropSchema(tb testing.TB, base, schema string) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Error(err)
		return
	}
	defer admin.Close()
	if _, err := admin.Exec(fmt.Sprintf(`DROP SCHEMA %s CASCADE`, schema)); err != nil {
		tb.Errorf("drop schema %s: %v", schema, err)
	}
}

// checkProgramCounts fails tb when a program-wide count kept by the
// triggers differs from a recount of its rows: every test that writes
// through a storagetest database checks the counts after its writes,
// whatever path wrote them.
func checkProgramCounts(tb testing.TB, db *storage.DB) {
	if tb.Failed() {
		return
	}
	wrong, err := db.Read().CheckProgramCounts(context.Background())
	if err != nil && strings.Contains(err.Error(), "sql: database is closed") {
		return // the test closed the database itself (a test of shutting down)
	}
	if err != nil {
		tb.Errorf("check program counts: %v", err)
	}
	for _, d := range wrong {
		tb.Errorf("program count %s = %d, a recount gives %d", d.Name, d.Kept, d.Count)
	}
}
