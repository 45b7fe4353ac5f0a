package main

import (
	"context"
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/mail/mailtest"
	"github.com/referralhub/referralhub/internal/storage"
)

// queuedMails is how many mail jobs the kill test queues.
const queuedMails = 300

// TestKill9DuringTheJobQueueLosesNothing queues password-reset mails, starts
// the real program, kills it with SIGKILL while it is sending them, starts it
// again and checks that every mail arrived and every job is done.
//
// SMTP cannot be part of a database transaction, so delivery is at least
// once: a mail whose send finished just before the kill, but whose job was
// not yet marked done, is sent again after the job's lease runs out, with
// the same Message-ID, which is how mail clients recognise the duplicate.
// The test allows at most one such resend per worker goroutine and checks
// that every mail has a distinct Message-ID per job.
func TestKill9DuringTheJobQueueLosesNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		smtp := mailtest.Start(t)
		getenv := testEnv(t, engine, map[string]string{"REFERRALHUB_SMTP_URL": smtp.URL(),
			"REFERRALHUB_JOB_LEASE": "1s", "REFERRALHUB_MAIL_FROM": "Hub <noreply@example.com>"})
		queueResetMails(t, getenv, queuedMails)

		first := startChild(t, getenv)
		waitUntil(t, 30*time.Second, func() bool { return len(smtp.Messages()) >= 20 })
		// SIGKILL: no deferred code, no drain, no flush.
		if err := first.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		first.Wait()
		atKill := len(smtp.Messages())
		if atKill >= queuedMails {
			t.Fatalf("the queue was finished (%d mails) before the kill: the test proves nothing", atKill)
		}

		second := startChild(t, getenv)
		db, err := storage.Open(context.Background(), getenv("REFERRALHUB_DATABASE_URL"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		// Done means every job is done, including those that were in
		// hand at the kill: they run again once their lease ends.
		waitUntil(t, 60*time.Second, func() bool { return mailJobs(t, db, referralhub.JobDone) == queuedMails })
		stopProgram(t, second)

		msgs := smtp.Messages()
		ids := distinctIDs(msgs)
		if len(ids) != queuedMails {
			t.Fatalf("%d distinct mails arrived, want %d", len(ids), queuedMails)
		}
		for id, to := range ids {
			if len(to) != 1 {
				t.Fatalf("message %s went to %v", id, to)
			}
		}
		if resent := len(msgs) - len(ids); resent > 2 {
			t.Fatalf("%d mails were delivered twice; at most the 2 in flight at the kill may be", resent)
		}
		checkAllJobsDone(t, db)
		t.Logf("%d mails before the kill, %d deliveries in all for %d mails", atKill, len(msgs), queuedMails)
	})
}

// queueResetMails makes n users and asks a password reset for each,
// through the wired core, without running the worker.
func queueResetMails(t *testing.T, getenv func(string) string, n int) {
	t.Helper()
	ctx := context.Background()
	a := openTestApp(t, getenv)
	if err := a.prepareSchema(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	users := make([]referralhub.User, n)
	parts := make([]referralhub.Participant, n)
	for i := range users {
		users[i] = referralhub.User{Email: fmt.Sprintf("user%d@example.com", i), Username: fmt.Sprint("user", i), CreatedAt: now}
	}
	err := a.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.BulkUsers(ctx, users, "not a real hash"); err != nil {
			return err
		}
		for i := range parts {
			parts[i] = referralhub.Participant{UserID: users[i].ID, Code: fmt.Sprintf("code%04d", i), CreatedAt: now, LastSeenAt: now}
		}
		return q.BulkParticipants(ctx, parts)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := a.svc.RequestPasswordReset(ctx, u.Email); err != nil {
			t.Fatal(err)
		}
	}
}

// startChild runs "serve" as a child process, as production would.
func startChild(t *testing.T, getenv func(string) string) *exec.Cmd {
	t.Helper()
	cmd, _ := startProgram(t, getenv, listeningLine, "serve")
	return cmd
}

func waitUntil(t *testing.T, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", limit)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// distinctIDs maps each Message-ID to the recipients it reached.
func distinctIDs(msgs []mailtest.Received) map[string]map[string]bool {
	ids := map[string]map[string]bool{}
	for _, m := range msgs {
		if ids[m.MessageID] == nil {
			ids[m.MessageID] = map[string]bool{}
		}
		ids[m.MessageID][m.To] = true
	}
	return ids
}

func checkAllJobsDone(t *testing.T, db *storage.DB) {
	t.Helper()
	counts, err := db.Read().JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if mailJobs(t, db, referralhub.JobDone) != queuedMails || len(counts) != 1 {
		t.Fatalf("jobs by state = %v, want all %d mails (and the analytics refresh) done", counts, queuedMails)
	}
}
