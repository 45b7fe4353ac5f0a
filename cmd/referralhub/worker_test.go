package main

import (
	"bufio"
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/config"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/mail/mailtest"
	"github.com/referralhub/referralhub/internal/storage"
)

// TestServeNoWorkerLeavesJobsToWorker queues password-reset mails, starts the
// real program as "serve --no-worker", which queues one more through its
// form (for an address with no account) but sends none, then as "worker", which sends them all; both stop
// cleanly on SIGTERM.
func TestServeNoWorkerLeavesJobsToWorker(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		smtp := mailtest.Start(t)
		getenv := testEnv(t, engine, map[string]string{"REFERRALHUB_SMTP_URL": smtp.URL(),
			"REFERRALHUB_MAIL_FROM": "Hub <noreply@example.com>"})
		const queued = 20
		queueResetMails(t, getenv, queued)
		db, err := storage.Open(context.Background(), getenv("REFERRALHUB_DATABASE_URL"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()

		web, base := startProgram(t, getenv, listeningLine, "serve", "--no-worker")
		resp, err := http.PostForm(base+"/password-reset", url.Values{"email": {"nobody@example.com"}})
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("password reset form: %v %v", resp, err)
		}
		resp.Body.Close()
		waitUntil(t, 10*time.Second, func() bool { return mailJobs(t, db, referralhub.JobQueued) == queued+1 })
		time.Sleep(2 * time.Second) // two poll intervals of a worker, had it been running
		if n, sent := mailJobs(t, db, referralhub.JobQueued), len(smtp.Messages()); n != queued+1 || sent != 0 {
			t.Fatalf("serve --no-worker: %d mail jobs queued, %d mails sent; want %d and none", n, sent, queued+1)
		}

		worker, _ := startProgram(t, getenv, `msg="worker running"`, "worker")
		waitUntil(t, 30*time.Second, func() bool { return mailJobs(t, db, referralhub.JobDone) == queued+1 })
		if ids := distinctIDs(smtp.Messages()); len(ids) < queued {
			t.Fatalf("%d distinct mails arrived, want the %d resets", len(ids), queued)
		}
		for _, p := range []*exec.Cmd{worker, web} {
			stopProgram(t, p)
		}
	})
}

// listeningLine is the log line of a server ready for requests; its group
// is the address.
const listeningLine = `msg=listening addr=(\S+)`

// startProgram runs the program with args as a child process, as production
// would, and waits until its log matches ready; it returns the first group
// of the match as an http:// address, if any.
func startProgram(t *testing.T, getenv func(string) string, ready string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	return startProgramLog(t, getenv, ready, io.Discard, args...)
}

// startProgramLog is startProgram, copying the program's log to log.
func startProgramLog(t *testing.T, getenv func(string) string, ready string, log io.Writer, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	for _, k := range []string{"REFERRALHUB_DATABASE_URL", "REFERRALHUB_SECRET_KEY", "REFERRALHUB_ADDR", "REFERRALHUB_DATA_DIR",
		"REFERRALHUB_SMTP_URL", "REFERRALHUB_MAIL_FROM", "REFERRALHUB_REDIS_URL", "REFERRALHUB_JOB_LEASE",
		"REFERRALHUB_RATE_LIMIT_CLICK", "REFERRALHUB_LOG_FORMAT"} {
		cmd.Env = append(cmd.Env, k+"="+getenv(k))
	}
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, waitLog(t, io.TeeReader(stderr, log), regexp.MustCompile(ready))
}

// waitLog reads a program's log until a line matches re, then keeps
// draining it in the background.
func waitLog(t *testing.T, stderr io.Reader, re *regexp.Regexp) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			m := re.FindStringSubmatch(sc.Text())
			if m == nil || sent {
				continue
			}
			sent = true
			if len(m) > 1 {
				found <- "http://" + m[1]
			} else {
				found <- ""
			}
		}
	}()
	select {
	case addr := <-found:
		return addr
	case <-time.After(30 * time.Second):
		t.Fatalf("the program did not log %s", re)
	}
	return ""
}

// openTestApp wires the app as the program would from getenv, in this
// process, to set a database up through the core; it is closed when the
// test ends.
func openTestApp(t *testing.T, getenv func(string) string) *app {
	t.Helper()
	cfg, _, err := config.Load(flag.NewFlagSet("test", flag.ContinueOnError), nil, getenv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := openApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), clicksInMemory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close(context.Background()) })
	return a
}

// stopProgram sends SIGTERM and expects a clean exit soon.
func stopProgram(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%v: exit after SIGTERM: %v", cmd.Args[1:], err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%v: no exit within 30 s of SIGTERM", cmd.Args[1:])
	}
}

// mailJobs counts the mail jobs in state.
func mailJobs(t *testing.T, db *storage.DB, state string) int {
	t.Helper()
	jobs, err := db.Read().Jobs(context.Background(), state, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range jobs {
		if j.Kind == core.JobMail {
			n++
		}
	}
	return n
}
