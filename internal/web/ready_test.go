package web_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/web"
)

// TestReadyzReportsAStaleSchema opens a database whose last migration is
// not recorded, as when a newer program meets an older database: /readyz
// answers 503 naming the schema, checked at most every few seconds; an
// up-to-date one answers 200.
func TestReadyzReportsAStaleSchema(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db := staleDB(t, engine)
			h := readyHandler(t, db, nil)
			code, body := getReady(t, h)
			if code != http.StatusServiceUnavailable || !strings.Contains(body, "database schema out of date: 1 pending migration") {
				t.Fatalf("stale schema: %d %q", code, body)
			}
			before := db.QueryCount()
			if code, _ := getReady(t, h); code != http.StatusServiceUnavailable || db.QueryCount() != before {
				t.Fatalf("second poll: %d, %d queries; want 503 from the cached check", code, db.QueryCount()-before)
			}
			if code, body := getReady(t, readyHandler(t, storagetest.Open(t, engine), nil)); code != http.StatusOK || body != "ready\n" {
				t.Fatalf("an up-to-date schema: %d %q", code, body)
			}
		})
	}
}

// TestReadyzReportsAnUnreachableDependency points a Redis check at a port
// nobody listens on: /readyz answers 503 naming Redis, quickly.
func TestReadyzReportsAnUnreachableDependency(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
		defer client.Close()
		redisDown := web.ReadyCheck{Name: "Redis", Ping: func(ctx context.Context) error { return client.Ping(ctx).Err() }}
		start := time.Now()
		code, body := getReady(t, readyHandler(t, db, []web.ReadyCheck{redisDown}))
		if code != http.StatusServiceUnavailable || body != "Redis unreachable\n" {
			t.Fatalf("Redis down: %d %q", code, body)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("/readyz took %v", d)
		}
		slow := web.ReadyCheck{Name: "Slow", Ping: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}
		fine := web.ReadyCheck{Name: "Fine", Ping: func(context.Context) error { return nil }}
		code, body = getReady(t, readyHandler(t, db, []web.ReadyCheck{slow, fine}))
		if code != http.StatusServiceUnavailable || body != "Slow unreachable\n" {
			t.Fatalf("a dependency that hangs: %d %q", code, body)
		}
		if code, body := getReady(t, readyHandler(t, db, []web.ReadyCheck{fine})); code != http.StatusOK || body != "ready\n" {
			t.Fatalf("all well: %d %q", code, body)
		}
		redisDown.Degrades = true // one the instance can serve without
		if code, body := getReady(t, readyHandler(t, db, []web.ReadyCheck{redisDown, fine})); code != http.StatusOK || body != "ready\nRedis unreachable\n" {
			t.Fatalf("a dependency that only degrades: %d %q", code, body)
		}
	})
}

// staleDB returns a migrated database that has forgotten applying its last
// migration.
func staleDB(t *testing.T, engine string) *storage.DB {
	t.Helper()
	dbURL := storagetest.URL(t, engine)
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	driver, dsn := "pgx", dbURL
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		driver, dsn = "sqlite", path
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	if pending, err := db.PendingMigrations(context.Background()); len(pending) != 1 {
		t.Fatal(errors.Join(err, errors.New("want one pending migration")))
	}
	return db
}

// readyHandler is the site over db with checks, wired as cmd does.
func readyHandler(t *testing.T, db *storage.DB, checks []web.ReadyCheck) http.Handler {
	t.Helper()
	_, svc, _, _ := newHandler(t, db, "http://localhost", time.Now, "", siteOptions{})
	h, err := web.New(web.Config{BaseURL: "http://localhost", ReadyChecks: checks}, svc, db,
		slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func getReady(t *testing.T, h http.Handler) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	return rec.Code, rec.Body.String()
}

// TestReadyzForClicksAsksOnlyTheClickBuffer: /readyz?scope=clicks answers
// 200 while the click buffer keeps clicks, whatever the database, and 503
// with the buffer's reason when it cannot; an unknown scope is a 400.
func TestReadyzForClicksAsksOnlyTheClickBuffer(t *testing.T) {
	db := storagetest.Open(t, "sqlite")
	var clicksErr error
	_, svc, _, _ := newHandler(t, db, "http://localhost", time.Now, "", siteOptions{})
	h, err := web.New(web.Config{BaseURL: "http://localhost", ClicksReady: func() error { return clicksErr }}, svc, db,
		slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	db.Close() // the database is gone: only the whole instance's check fails
	if code, body := get("/readyz?scope=clicks"); code != http.StatusOK || body != "ready\n" {
		t.Fatalf("clicks, database down: %d %q", code, body)
	}
	if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("whole instance, database down: %d", code)
	}
	clicksErr = errors.New("click spool: disk full")
	if code, body := get("/readyz?scope=clicks"); code != http.StatusServiceUnavailable || body != "click spool: disk full\n" {
		t.Fatalf("clicks, spool failing: %d %q", code, body)
	}
	if code, _ := get("/readyz?scope=everything"); code != http.StatusBadRequest {
		t.Fatalf("unknown scope: %d", code)
	}
}
