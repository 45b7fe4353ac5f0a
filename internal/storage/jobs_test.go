package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func enqueue(t *testing.T, db *storage.DB, kind, dedupe string, runAt time.Time) bool {
	t.Helper()
	var queued bool
	err := db.InTx(context.Background(), func(q *storage.Queries) error {
		var err error
		queued, err = q.EnqueueJob(context.Background(), referralhub.Job{Kind: kind, Payload: []byte(`{"n":1}`), DedupeKey: dedupe,
			MaxAttempts: 3, RunAt: runAt, CreatedAt: t0})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return queued
}

func TestJobsClaimInOrderAndOnlyWhenDue(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		enqueue(t, db, "later", "", t0.Add(time.Hour))
		enqueue(t, db, "second", "", t0.Add(time.Second))
		enqueue(t, db, "first", "", t0)
		q := db.Write()
		for _, want := range []string{"first", "second"} {
			j, ok, err := q.ClaimJob(ctx, "w1", t0.Add(time.Minute), t0.Add(2*time.Minute))
			if err != nil || !ok || j.Kind != want || j.Attempts != 1 || string(j.Payload) != `{"n":1}` {
				t.Fatalf("claim = %+v %v %v, want %s", j, ok, err, want)
			}
		}
		if _, ok, _ := q.ClaimJob(ctx, "w1", t0.Add(time.Minute), t0.Add(2*time.Minute)); ok {
			t.Fatal("claimed a job that is not due")
		}
	})
}

func TestJobDedupeKeyQueuesOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		if !enqueue(t, db, "mail", "mail:x:1", t0) {
			t.Fatal("first enqueue skipped")
		}
		if enqueue(t, db, "mail", "mail:x:1", t0) {
			t.Fatal("second enqueue with the same key queued")
		}
		jobs, err := db.Read().Jobs(context.Background(), "", 10)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("jobs = %d, %v", len(jobs), err)
		}
	})
}

func TestJobLeaseExpiryHandsTheJobOver(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q := db.Write()
		enqueue(t, db, "mail", "", t0)
		j, ok, err := q.ClaimJob(ctx, "dead", t0, t0.Add(time.Minute))
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if _, ok, _ := q.ClaimJob(ctx, "alive", t0.Add(30*time.Second), t0.Add(time.Minute)); ok {
			t.Fatal("a leased job was claimed again before its lease ended")
		}
		again, ok, err := q.ClaimJob(ctx, "alive", t0.Add(61*time.Second), t0.Add(3*time.Minute))
		if err != nil || !ok || again.ID != j.ID || again.Attempts != 2 {
			t.Fatalf("reclaim = %+v %v %v", again, ok, err)
		}
		if held, _ := q.CompleteJob(ctx, j.ID, "dead", t0.Add(62*time.Second)); held {
			t.Fatal("the worker that lost the lease completed the job")
		}
		if held, err := q.CompleteJob(ctx, j.ID, "alive", t0.Add(62*time.Second)); !held || err != nil {
			t.Fatal("the lease holder could not complete", err)
		}
		if _, ok, _ := q.ClaimJob(ctx, "alive", t0.Add(time.Hour), t0.Add(2*time.Hour)); ok {
			t.Fatal("a done job was claimed")
		}
	})
}

func TestJobRetryFailAndAdminRetry(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q := db.Write()
		enqueue(t, db, "mail", "", t0)
		j, _, _ := q.ClaimJob(ctx, "w", t0, t0.Add(time.Minute))
		if held, err := q.RetryJobLater(ctx, j.ID, "w", t0.Add(10*time.Second), "smtp down"); !held || err != nil {
			t.Fatal(held, err)
		}
		if _, ok, _ := q.ClaimJob(ctx, "w", t0.Add(5*time.Second), t0.Add(time.Minute)); ok {
			t.Fatal("claimed before its retry time")
		}
		j, ok, _ := q.ClaimJob(ctx, "w", t0.Add(10*time.Second), t0.Add(time.Minute))
		if !ok || j.LastError != "smtp down" || j.Attempts != 2 {
			t.Fatalf("retry claim = %+v %v", j, ok)
		}
		if held, err := q.FailJob(ctx, j.ID, "w", t0.Add(11*time.Second), "gave up"); !held || err != nil {
			t.Fatal(held, err)
		}
		failed, err := q.Jobs(ctx, referralhub.JobFailed, 10)
		if err != nil || len(failed) != 1 || failed[0].LastError != "gave up" || failed[0].FinishedAt.IsZero() {
			t.Fatalf("failed jobs = %+v, %v", failed, err)
		}
		counts, _ := q.JobCounts(ctx)
		if counts[referralhub.JobFailed] != 1 {
			t.Fatalf("counts = %v", counts)
		}
		if ok, err := q.RetryFailedJob(ctx, j.ID, t0.Add(time.Hour)); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if ok, _ := q.RetryFailedJob(ctx, j.ID, t0.Add(time.Hour)); ok {
			t.Fatal("retried a job that is not failed")
		}
		j, ok, _ = q.ClaimJob(ctx, "w", t0.Add(time.Hour), t0.Add(2*time.Hour))
		if !ok || j.Attempts != 1 {
			t.Fatalf("after admin retry: %+v %v", j, ok)
		}
	})
}

// TestConcurrentWorkersClaimEachJobOnce runs two claimers on separate
// connection pools (two instances, on PostgreSQL) against one queue.
func TestConcurrentWorkersClaimEachJobOnce(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			url := storagetest.URL(t, engine)
			ctx := context.Background()
			var dbs []*storage.DB
			for range 2 {
				db, err := storage.Open(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				dbs = append(dbs, db)
			}
			if _, err := dbs[0].Migrate(ctx, t0); err != nil {
				t.Fatal(err)
			}
			const n = 200
			for i := range n {
				enqueue(t, dbs[0], "job", fmt.Sprint(i), t0)
			}
			var (
				mu   sync.Mutex
				seen = map[int64]int{}
				wg   sync.WaitGroup
			)
			for w := range 4 {
				db := dbs[w%2]
				wg.Go(func() {
					for {
						j, ok, err := db.Write().ClaimJob(ctx, fmt.Sprint("w", w), t0, t0.Add(time.Hour))
						if err != nil {
							t.Error(err)
							return
						}
						if !ok {
							return
						}
						mu.Lock()
						seen[j.ID]++
						mu.Unlock()
						if _, err := db.Write().CompleteJob(ctx, j.ID, fmt.Sprint("w", w), t0); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			if len(seen) != n {
				t.Fatalf("%d jobs claimed, want %d", len(seen), n)
			}
			for id, c := range seen {
				if c != 1 {
					t.Fatalf("job %d claimed %d times", id, c)
				}
			}
		})
	}
}

func TestJobThatKeepsKillingItsWorkerEndsFailed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q := db.Write()
		enqueue(t, db, "crashes", "", t0) // 3 attempts
		at := t0
		for i := range 3 {
			if _, ok, _ := q.ClaimJob(ctx, fmt.Sprint("w", i), at, at.Add(time.Minute)); !ok {
				t.Fatalf("attempt %d not claimed", i+1)
			}
			at = at.Add(2 * time.Minute) // the worker died; the lease ran out
		}
		if _, ok, _ := q.ClaimJob(ctx, "w9", at, at.Add(time.Minute)); ok {
			t.Fatal("claimed past max_attempts")
		}
		if n, err := q.FailAbandonedJobs(ctx, at); n != 1 || err != nil {
			t.Fatal(n, err)
		}
		failed, _ := q.Jobs(ctx, referralhub.JobFailed, 10)
		if len(failed) != 1 || failed[0].LastError == "" {
			t.Fatalf("failed = %+v", failed)
		}
	})
}

func TestOldestDueJob(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, q := context.Background(), db.Read()
		if _, ok, err := q.OldestDueJob(ctx, t0); ok || err != nil {
			t.Fatalf("empty queue: %v %v", ok, err)
		}
		enqueue(t, db, "later", "", t0.Add(time.Hour))
		enqueue(t, db, "due", "", t0.Add(-time.Minute))
		enqueue(t, db, "running", "", t0.Add(-time.Hour))
		if _, _, err := db.Write().ClaimJob(ctx, "w1", t0, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		runAt, ok, err := q.OldestDueJob(ctx, t0)
		if err != nil || !ok || !runAt.Equal(t0.Add(-time.Minute)) {
			t.Fatalf("oldest due = %v %v %v, want %v (the running job is not waiting)", runAt, ok, err, t0.Add(-time.Minute))
		}
		if stats := db.PoolStats(); len(stats) == 0 {
			t.Fatal("no pool stats")
		}
	})
}

// TestRedactJobs clears a reset job's address from its payload, key and
// error.
func TestRedactJobs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q := db.Write()
		for _, key := range []string{"mail:password_reset:bob@x.com:1", "mail:password_reset:bob@x.com.au:1"} {
			if _, err := q.EnqueueJob(ctx, referralhub.Job{Kind: "mail", Payload: []byte(`{"email":"` + key[20:len(key)-2] + `"}`),
				DedupeKey: key, MaxAttempts: 1, RunAt: t0, CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		j, ok, err := q.ClaimJob(ctx, "w", t0, t0.Add(time.Minute))
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if _, err := q.FailJob(ctx, j.ID, "w", t0, "550 <BOB@x.com>: no such mailbox"); err != nil {
			t.Fatal(err)
		}
		if err := q.RedactJobs(ctx, "mail:password_reset:bob@x.com:", `{"mail":"password_reset"}`); err != nil {
			t.Fatal(err)
		}
		if err := q.RedactJobErrors(ctx, "bob@x.com"); err != nil {
			t.Fatal(err)
		}
		hits, err := db.FindText(ctx, "bob@x.com")
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(hits) != `[jobs.payload holds "bob@x.com" in 1 rows jobs.dedupe_key holds "bob@x.com" in 1 rows]` {
			t.Errorf("after redaction: %v; want only the other address's job", hits)
		}
	})
}

// TestDeleteDoneJobs deletes the jobs done before the cutoff and keeps the
// ones done since, the failed and the queued.
func TestDeleteDoneJobs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q := db.Write()
		finish := func(at time.Time, fail bool) {
			t.Helper()
			j, ok, err := q.ClaimJob(ctx, "w1", at, at.Add(time.Minute))
			if err != nil || !ok {
				t.Fatalf("claim = %v, %v", ok, err)
			}
			if fail {
				ok, err = q.FailJob(ctx, j.ID, "w1", at, "boom")
			} else {
				ok, err = q.CompleteJob(ctx, j.ID, "w1", at)
			}
			if err != nil || !ok {
				t.Fatalf("finish = %v, %v", ok, err)
			}
		}
		for _, kind := range []string{"old", "failed", "recent", "waiting"} {
			enqueue(t, db, kind, "", t0)
		}
		finish(t0, false)
		finish(t0, true)
		finish(t0.Add(2*time.Hour), false)
		if n, err := q.DeleteDoneJobs(ctx, t0.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("deleted %d, %v; want the old done job", n, err)
		}
		jobs, err := db.Read().Jobs(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		kept := map[string]string{}
		for _, j := range jobs {
			kept[j.Kind] = j.State
		}
		want := map[string]string{"failed": referralhub.JobFailed, "recent": referralhub.JobDone, "waiting": referralhub.JobQueued}
		if fmt.Sprint(kept) != fmt.Sprint(want) {
			t.Errorf("kept %v, want %v", kept, want)
		}
	})
}

// TestRequeueJobRevivesAFinishedJobOnly: RequeueJob queues a new key,
// queues a finished job under its key again as the new job, and leaves a
// queued one alone.
func TestRequeueJobRevivesAFinishedJobOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q := db.Write()
		requeue := func(key, payload string) bool {
			t.Helper()
			ok, err := q.RequeueJob(ctx, referralhub.Job{Kind: "webhook", Payload: []byte(payload), DedupeKey: key,
				MaxAttempts: 100, RunAt: t0.Add(time.Hour), CreatedAt: t0.Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !enqueue(t, db, "webhook", "webhook:1:1", t0) || !enqueue(t, db, "webhook", "webhook:2:1", t0) {
			t.Fatal("enqueue skipped")
		}
		j, _, _ := q.ClaimJob(ctx, "w1", t0, t0.Add(time.Minute))
		if _, err := q.CompleteJob(ctx, j.ID, "w1", t0); err != nil || j.DedupeKey != "webhook:1:1" {
			t.Fatalf("complete %+v: %v", j, err)
		}
		if !requeue("webhook:1:1", `{"new":1}`) || !requeue("webhook:3:1", `{"new":3}`) {
			t.Fatal("a done job or a new key was not queued")
		}
		if requeue("webhook:2:1", `{"new":2}`) {
			t.Fatal("a queued job was requeued")
		}
		jobs, err := q.Jobs(ctx, "", 10)
		if err != nil || len(jobs) != 3 {
			t.Fatalf("jobs = %+v, %v", jobs, err)
		}
		for _, j := range jobs {
			want := map[string]string{"webhook:1:1": `{"new":1}`, "webhook:2:1": `{"n":1}`, "webhook:3:1": `{"new":3}`}[j.DedupeKey]
			if string(j.Payload) != want || j.State != referralhub.JobQueued || j.Attempts != 0 || !j.FinishedAt.IsZero() {
				t.Errorf("job %s = %+v, want queued afresh with %s", j.DedupeKey, j, want)
			}
		}
	})
}

// TestStrandedWebhookDeliveries lists the pending deliveries whose current
// send has no queued or running job.
func TestStrandedWebhookDeliveries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, alice := mustUser(t, db, "alice")
		_, bob := mustUser(t, db, "bob")
		e := mustEndpoint(t, db, "https://a.example/hook", "reward.created")
		queued := mustEvent(t, db, "evt_1", alice.ID, e.ID)[0]
		waiting := mustEvent(t, db, "evt_2", alice.ID, e.ID)[0]
		none := mustEvent(t, db, "evt_3", bob.ID, e.ID)[0]
		enqueue(t, db, "webhook", storage.WebhookJobKey(queued.ID, 1), t0)
		enqueue(t, db, "webhook", storage.WebhookJobKey(waiting.ID, 1), t0) // no matter: it waits
		enqueue(t, db, "webhook", storage.WebhookJobKey(none.ID, 2), t0)    // an older send's
		got, err := db.Read().StrandedWebhookDeliveries(ctx, 10)
		if err != nil || len(got) != 1 || got[0].ID != none.ID || got[0].Sends != 1 || got[0].EndpointID != e.ID {
			t.Fatalf("stranded = %+v, %v; want only delivery %d", got, err, none.ID)
		}
	})
}
