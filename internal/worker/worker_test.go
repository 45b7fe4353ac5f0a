package worker_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/worker"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func queue(t *testing.T, db *storage.DB, kind string, attempts int) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(q *storage.Queries) error {
		_, err := q.EnqueueJob(ctx, referralhub.Job{Kind: kind, Payload: []byte(`{}`), MaxAttempts: attempts, RunAt: t0, CreatedAt: t0})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func newWorker(db *storage.DB, c *clock, handlers map[string]worker.Handler) *worker.Worker {
	return worker.New(db, handlers, worker.Config{Now: c.now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func state(t *testing.T, db *storage.DB) referralhub.Job {
	t.Helper()
	jobs, err := db.Read().Jobs(context.Background(), "", 1)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs = %v, %v", jobs, err)
	}
	return jobs[0]
}

func TestWorkerRetriesThenSucceeds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{t: t0}
		calls := 0
		w := newWorker(db, c, map[string]worker.Handler{"flaky": func(context.Context, referralhub.Job) error {
			calls++
			if calls < 3 {
				return errors.New("smtp is down")
			}
			return nil
		}})
		queue(t, db, "flaky", 5)
		for range 3 {
			if _, err := w.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
			c.advance(time.Hour) // past any backoff
		}
		if j := state(t, db); j.State != referralhub.JobDone || calls != 3 || j.Attempts != 3 {
			t.Fatalf("job %+v after %d calls", j, calls)
		}
	})
}

func TestWorkerFailsPermanentErrorsPanicsAndExhaustedJobs(t *testing.T) {
	cases := map[string]worker.Handler{
		"invalid": func(context.Context, referralhub.Job) error {
			return referralhub.Errorf(referralhub.EINVALID, "bad payload")
		},
		"panics": func(context.Context, referralhub.Job) error { panic("boom") },
	}
	for kind, h := range cases {
		t.Run(kind, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, db *storage.DB) {
				c := &clock{t: t0}
				queue(t, db, kind, 1)
				if _, err := newWorker(db, c, map[string]worker.Handler{kind: h}).RunDue(context.Background()); err != nil {
					t.Fatal(err)
				}
				if j := state(t, db); j.State != referralhub.JobFailed || j.LastError == "" {
					t.Fatalf("job %+v", j)
				}
			})
		})
	}
}

func TestWorkerFailsUnknownKinds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		queue(t, db, "nobody-handles-this", 10)
		if n, err := newWorker(db, &clock{t: t0}, nil).RunDue(context.Background()); n != 1 || err != nil {
			t.Fatal(n, err)
		}
		if j := state(t, db); j.State != referralhub.JobFailed {
			t.Fatalf("job %+v", j)
		}
	})
}

func TestWorkerRunWakesAndStops(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		done := make(chan struct{}, 1)
		w := worker.New(db, map[string]worker.Handler{"ping": func(context.Context, referralhub.Job) error {
			done <- struct{}{}
			return nil
		}}, worker.Config{Poll: time.Hour, Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { w.Run(ctx); close(stopped) }()
		queue(t, db, "ping", 1) // due at t0, long past
		w.Wake()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a woken worker did not run the job")
		}
		cancel()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
	})
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 5: 80 * time.Second, 40: time.Hour} {
		for range 20 {
			got := worker.Backoff(attempt)
			if got < want*8/10 || got > want*12/10 {
				t.Fatalf("Backoff(%d) = %v, want %v ± 20%%", attempt, got, want)
			}
		}
	}
}

// TestRunBoundsTheDrain stops a worker whose job, on its last attempt,
// never ends by itself: Run returns once the drain is over, and the job is
// queued again, due at once and with the attempt not counted, not failed
// nor left running until its lease ends.
func TestRunBoundsTheDrain(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		started := make(chan struct{}, 1)
		w := worker.New(db, map[string]worker.Handler{"stuck": func(ctx context.Context, _ referralhub.Job) error {
			started <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}}, worker.Config{Poll: time.Hour, Drain: 300 * time.Millisecond, Lease: time.Hour, Now: time.Now,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		queue(t, db, "stuck", 1)
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { w.Run(ctx); close(stopped) }()
		<-started
		cancel()
		began := time.Now()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after the drain")
		}
		if took := time.Since(began); took < 250*time.Millisecond {
			t.Errorf("Run returned after %s, before the drain was over", took)
		}
		if j := state(t, db); j.State != referralhub.JobQueued || j.Attempts != 0 || !strings.Contains(j.LastError, "shutdown") ||
			j.RunAt.After(time.Now()) {
			t.Fatalf("interrupted job = %+v, want queued again, due now", j)
		}
	})
}

// TestRunWaitsForAJobInHand: a job that ends within the drain is done.
func TestRunWaitsForAJobInHand(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		started := make(chan struct{}, 1)
		w := worker.New(db, map[string]worker.Handler{"slow": func(ctx context.Context, _ referralhub.Job) error {
			started <- struct{}{}
			select {
			case <-time.After(200 * time.Millisecond):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}}, worker.Config{Poll: time.Hour, Drain: 10 * time.Second, Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		queue(t, db, "slow", 3)
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { w.Run(ctx); close(stopped) }()
		<-started
		cancel()
		<-stopped
		if j := state(t, db); j.State != referralhub.JobDone {
			t.Fatalf("job = %+v, want done", j)
		}
	})
}
