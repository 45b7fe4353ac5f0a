package main

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// productionEnv is a getenv for production on a fresh, migrated SQLite
// database, with extra settings.
func productionEnv(t *testing.T, extra map[string]string) func(string) string {
	t.Helper()
	vars := map[string]string{"REFERRALHUB_ENV": "production", "REFERRALHUB_BASE_URL": "https://refer.example.com"}
	for k, v := range extra {
		vars[k] = v
	}
	getenv := testEnv(t, "sqlite", vars)
	if err := run(context.Background(), []string{"migrate"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	return getenv
}

// TestProductionRefusesAnHTTPBaseURL: serve stops at once, naming
// REFERRALHUB_BASE_URL, unless REFERRALHUB_ALLOW_HTTP_BASE_URL=true.
func TestProductionRefusesAnHTTPBaseURL(t *testing.T) {
	getenv := testEnv(t, "sqlite", map[string]string{"REFERRALHUB_ENV": "production", "REFERRALHUB_BASE_URL": "http://refer.example.com"})
	for _, cmd := range []string{"serve", "migrate"} {
		err := run(context.Background(), []string{cmd}, getenv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "REFERRALHUB_BASE_URL: http://refer.example.com is http:// in production") {
			t.Fatalf("%s: %v, want a refusal naming REFERRALHUB_BASE_URL", cmd, err)
		}
	}
	allowed := productionEnv(t, map[string]string{"REFERRALHUB_BASE_URL": "http://refer.example.com",
		"REFERRALHUB_ALLOW_HTTP_BASE_URL": "true"})
	base, stop := startServe(t, allowed)
	defer stop()
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") != "" {
		t.Fatalf("healthz on an allowed http base URL: %v %v", resp, err)
	}
}

// TestProductionSendsHSTS: with an https base URL in production, every
// response carries Strict-Transport-Security; in development it never does.
func TestProductionSendsHSTS(t *testing.T) {
	base, stop := startServe(t, productionEnv(t, nil))
	defer stop()
	for _, path := range []string{"/healthz", "/", "/login", "/no/such/page"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=63072000" {
			t.Errorf("%s: Strict-Transport-Security = %q", path, got)
		}
	}
	dev, stopDev := startServe(t, testEnv(t, "sqlite", map[string]string{"REFERRALHUB_BASE_URL": "https://refer.example.com"}))
	defer stopDev()
	if resp, err := http.Get(dev + "/healthz"); err != nil || resp.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("development sent HSTS: %v %v", resp, err)
	}
}

// TestProductionWithoutSMTPHoldsMail: a signup's verification mail is not
// marked done without a mail server: its job stays queued with the
// reason as its error, for /admin/jobs, and the log says why at start.
func TestProductionWithoutSMTPHoldsMail(t *testing.T) {
	getenv := productionEnv(t, nil)
	ctx := context.Background()
	base, stop, logged := startServeLogging(t, getenv)
	defer stop()
	resp, err := http.PostForm(base+"/signup", url.Values{"email": {"a@example.com"}, "username": {"alice"}, "password": {"password123"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	db := openDB(t, getenv)
	// A job is counted attempted when claimed, while still running: wait
	// for the attempt's outcome.
	var mailJob referralhub.Job
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline) && (mailJob.Attempts == 0 || mailJob.State == referralhub.JobRunning); time.Sleep(100 * time.Millisecond) {
		jobs, err := db.Read().Jobs(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.Kind == core.JobMail {
				mailJob = j
			}
		}
	}
	if mailJob.State != referralhub.JobQueued || mailJob.Attempts != 1 || !strings.Contains(mailJob.LastError, "no mail server is configured (REFERRALHUB_SMTP_URL)") {
		t.Fatalf("the verification mail's job = %+v, want it queued again with the reason", mailJob)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if out := logged.String(); !strings.Contains(out, "mail is not being sent: no mail server is configured") {
		t.Errorf("the log does not say why mail is not sent:\n%s", out)
	}
}

// newerSchema is the start of the refusal of a schema from the future.
var newerSchema = regexp.MustCompile(`the database schema is at migration 9001 \(9001_from_the_future\.sql\), newer than this binary's \d{4} \(\d{4}_\w+\.sql\)`)

// TestAnOlderBinaryRefusesANewerSchema: a database migrated by a newer
// version (a migration this binary does not know) is neither served nor
// migrated, with a message naming both versions, on either engine.
func TestAnOlderBinaryRefusesANewerSchema(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		if err := run(context.Background(), []string{"migrate"}, getenv, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		raw, err := sql.Open(map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[engine],
			strings.TrimPrefix(getenv("REFERRALHUB_DATABASE_URL"), "sqlite:"))
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9001, '9001_from_the_future.sql', 'x')`); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"migrate", "serve", "worker"} {
			err := run(context.Background(), []string{cmd}, getenv, io.Discard, io.Discard)
			if err == nil || !newerSchema.MatchString(err.Error()) || !strings.Contains(err.Error(), "referralhub "+version) {
				t.Errorf("%s: %v, want a refusal naming both versions", cmd, err)
			}
		}
	})
}
