package metrics_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/metrics"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestDatabaseFiguresAreReused scrapes three times: the second scrape,
// within the reuse period, runs no query; the third, after it, reads again.
func TestDatabaseFiguresAreReused(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db := storagetest.Open(t, engine)
			now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
			m := metrics.New(metrics.Sources{DB: db, Now: func() time.Time { return now }, Reuse: time.Minute})
			scrape := func() (string, int64) {
				before := db.QueryCount()
				rec := httptest.NewRecorder()
				m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				body, _ := io.ReadAll(rec.Body)
				return string(body), db.QueryCount() - before
			}
			first, queries := scrape()
			if queries == 0 {
				t.Fatal("the first scrape ran no query")
			}
			for _, want := range []string{"referralhub_database_size_bytes ", "referralhub_database_scrape_success 1", `referralhub_jobs{state="queued"} 0`} {
				if !strings.Contains(first, want) {
					t.Errorf("no %q in the first scrape:\n%s", want, first)
				}
			}
			now = now.Add(59 * time.Second)
			if second, queries := scrape(); queries != 0 || !strings.Contains(second, "referralhub_database_size_bytes ") {
				t.Errorf("a scrape within the reuse period ran %d queries", queries)
			}
			now = now.Add(time.Second)
			if _, queries := scrape(); queries == 0 {
				t.Error("a scrape after the reuse period ran no query")
			}
		})
	}
}

// TestFailedReadingIsNotReused closes the database: each scrape reports
// the failure and tries again rather than replaying it.
func TestFailedReadingIsNotReused(t *testing.T) {
	db := storagetest.Open(t, "sqlite")
	m := metrics.New(metrics.Sources{DB: db, Reuse: time.Hour})
	db.Close()
	for i := range 2 {
		before := db.QueryCount()
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if body := rec.Body.String(); !strings.Contains(body, "referralhub_database_scrape_success 0") {
			t.Errorf("scrape %d over a closed database:\n%s", i, body)
		}
		if db.QueryCount() == before {
			t.Errorf("scrape %d did not try the database", i)
		}
	}
}

// TestLedgerVerificationMetrics: the metrics report the last recorded
// verification of the ledger: none (a zero timestamp), whole, then broken.
func TestLedgerVerificationMetrics(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db := storagetest.Open(t, engine)
			m := metrics.New(metrics.Sources{DB: db, Reuse: -1})
			scrape := func() string {
				rec := httptest.NewRecorder()
				m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				return rec.Body.String()
			}
			if got := scrape(); !strings.Contains(got, "referralhub_ledger_last_verified_timestamp_seconds 0\n") ||
				strings.Contains(got, "referralhub_ledger_verify_ok ") {
				t.Fatalf("never verified:\n%s", got)
			}
			at := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
			for _, c := range []struct {
				ok   bool
				want string
			}{{true, "referralhub_ledger_verify_ok 1\n"}, {false, "referralhub_ledger_verify_ok 0\n"}} {
				at = at.Add(24 * time.Hour)
				check := referralhub.LedgerCheck{StartedAt: at.Add(-time.Second), FinishedAt: at, OK: c.ok}
				if err := db.Write().InsertLedgerCheck(context.Background(), &check); err != nil {
					t.Fatal(err)
				}
				got := scrape()
				stamp := fmt.Sprintf("referralhub_ledger_last_verified_timestamp_seconds %g\n", float64(at.Unix()))
				if !strings.Contains(got, c.want) || !strings.Contains(got, stamp) {
					t.Errorf("after a check (ok %v): want %q and %q in\n%s", c.ok, c.want, stamp, got)
				}
			}
		})
	}
}
