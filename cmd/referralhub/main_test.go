package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// run executes one subcommand as main does, with getenv, no standard
// input and no terminal.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd, rest := splitCommand(args)
	return runCommand(cmdEnv{ctx: ctx, getenv: getenv, stdout: stdout, stderr: stderr}, cmd, rest)
}

// testEnv returns a getenv for a fresh database on engine.
// migratedDB opens the test database at dbURL with every migration
// applied, closed when the test ends, for tests that set up rows before
// they run the program.
func migratedDB(t *testing.T, dbURL string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	return db
}

func testEnv(t *testing.T, engine string, extra map[string]string) func(string) string {
	vars := map[string]string{
		"REFERRALHUB_DATABASE_URL": storagetest.URL(t, engine),
		"REFERRALHUB_SECRET_KEY":   "a test secret key that is long enough",
		"REFERRALHUB_ADDR":         "127.0.0.1:0",
		"REFERRALHUB_DATA_DIR":     t.TempDir(),
	}
	for k, v := range extra {
		vars[k] = v
	}
	return func(k string) string { return vars[k] }
}

func eachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) { fn(t, engine) })
	}
}

// startServe runs "serve" until the returned stop is called; stop returns
// serve's error.
func startServe(t *testing.T, getenv func(string) string) (base string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	env := cmdEnv{ctx: ctx, getenv: getenv, stdout: io.Discard, stderr: io.Discard, ready: func(a string) { ready <- a }}
	go func() { done <- runCommand(env, "serve", nil) }()
	select {
	case addr := <-ready:
		return "http://" + addr, func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	return "", nil
}

// startServeLogging is startServe keeping serve's log: stop (safe to call
// twice) returns serve's error, and logs holds what it wrote.
func startServeLogging(t *testing.T, getenv func(string) string) (base string, stop func() error, logs *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = &lockedBuffer{}
	ready, done := make(chan string, 1), make(chan error, 1)
	env := cmdEnv{ctx: ctx, getenv: getenv, stdout: io.Discard, stderr: logs, ready: func(a string) { ready <- a }}
	go func() { done <- runCommand(env, "serve", nil) }()
	select {
	case addr := <-ready:
		return "http://" + addr, sync.OnceValue(func() error { cancel(); return <-done }), logs
	case err := <-done:
		cancel()
		t.Fatalf("serve stopped: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	return "", nil, nil
}

// lockedBuffer is a buffer that a server's logger and the test share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeFlushesClicksOnShutdown runs the real program: a signup and a
// click, then a graceful stop, after which the click is in the database.
func TestServeFlushesClicksOnShutdown(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		base, stop := startServe(t, getenv)
		code := signupAndGetCode(t, base)
		visitor := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for range 3 {
			if resp, err := visitor.Get(base + "/r/" + code); err != nil || resp.StatusCode != http.StatusFound {
				t.Fatalf("click: %v %v", resp, err)
			}
		}
		if err := stop(); err != nil {
			t.Fatalf("serve: %v", err)
		}
		db, err := storage.Open(context.Background(), getenv("REFERRALHUB_DATABASE_URL"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		owner, err := db.Read().CodeOwner(context.Background(), code)
		p, err2 := db.Read().Participant(context.Background(), owner.ParticipantID)
		if err != nil || err2 != nil || p.ClickCount != 3 {
			t.Fatalf("clicks after shutdown = %d (%v, %v), want 3", p.ClickCount, err, err2)
		}
	})
}

func TestInvalidConfigurationNamesTheVariable(t *testing.T) {
	getenv := testEnv(t, "sqlite", map[string]string{"REFERRALHUB_ATTRIBUTION_WINDOW": "soon"})
	err := run(context.Background(), []string{"serve"}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "REFERRALHUB_ATTRIBUTION_WINDOW") {
		t.Fatalf("err = %v", err)
	}
}

func TestUserCreateAndMigrate(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		var out bytes.Buffer
		if err := run(context.Background(), []string{"migrate"}, getenv, &out, io.Discard); err != nil || !strings.Contains(out.String(), "applied 0001_init.sql") {
			t.Fatalf("migrate: %v\n%s", err, out.String())
		}
		pwFile := filepath.Join(t.TempDir(), "pw")
		os.WriteFile(pwFile, []byte("admin-password\n"), 0o600)
		args := []string{"user", "create", "--email", "root@example.com", "--username", "root", "--password-file", pwFile, "--admin"}
		out.Reset()
		if err := run(context.Background(), args, getenv, &out, io.Discard); err != nil || !strings.Contains(out.String(), "admin true") {
			t.Fatalf("user create: %v\n%s", err, out.String())
		}
		err := run(context.Background(), args, getenv, &out, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--email: That email is already registered.") {
			t.Fatalf("duplicate user: %v", err)
		}
	})
}

func TestProductionRefusesStaleSchema(t *testing.T) {
	getenv := testEnv(t, "sqlite", map[string]string{"REFERRALHUB_ENV": "production", "REFERRALHUB_BASE_URL": "https://refer.example.com"})
	err := run(context.Background(), []string{"serve"}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "referralhub migrate") {
		t.Fatalf("err = %v", err)
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, os.Getenv, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "referralhub ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"frobnicate"}, os.Getenv, io.Discard, io.Discard); err == nil {
		t.Fatal("unknown command accepted")
	}
}

func TestDemoLoadsOnceAndRefusesTwice(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		var out bytes.Buffer
		if err := run(context.Background(), []string{"demo", "--users", "50"}, getenv, &out, io.Discard); err != nil ||
			!strings.Contains(out.String(), "created 50 users") || !strings.Contains(out.String(), `log in as ambassador with password "demo-password"`) {
			t.Fatalf("demo: %v\n%s", err, out.String())
		}
		err := run(context.Background(), []string{"demo", "--users", "50"}, getenv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "ambassador") {
			t.Fatalf("second demo: %v, want a refusal naming the existing hub", err)
		}
		if err := run(context.Background(), []string{"demo", "--users", "0"}, getenv, io.Discard, io.Discard); err == nil {
			t.Fatal("demo --users 0 accepted")
		}
	})
}
