// Package worker runs durable jobs from the database queue: mail, Stripe
// fulfilment, hold releases. Jobs are claimed with a lease, so a job whose
// process died (even by kill -9) runs again once its lease ends, and
// several instances can share one PostgreSQL queue.
package worker

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Handler runs one job. An error with code EINVALID or ENOTFOUND fails the
// job for good; any other error is retried with backoff.
type Handler = func(context.Context, referralhub.Job) error

// Config tunes a Worker.
type Config struct {
	Concurrency int           // jobs run at once; default 2
	Lease       time.Duration // how long a claimed job is ours; default 2m
	Poll        time.Duration // how often the queue is checked when idle; default 1s
	// Drain is how long the jobs in hand may go on once Run's context
	// ends; then their contexts are cancelled and they are queued to run
	// again at once, the attempt not counted. Default 20s.
	Drain time.Duration
	Now   func() time.Time // the clock; default time.Now
	Log   *slog.Logger
}

// Worker claims and runs jobs. Create it with New.
type Worker struct {
	db       *storage.DB
	handlers map[string]Handler
	cfg      Config
	id       string // this worker's name; each claim adds a number
	claims   atomic.Int64
	wake     chan struct{}
}

// New returns a Worker running handlers' kinds of job from db.
func New(db *storage.DB, handlers map[string]Handler, cfg Config) *Worker {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 2
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Drain <= 0 {
		cfg.Drain = 20 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Worker{db: db, handlers: handlers, cfg: cfg, id: "w-" + crand.Text()[:12], wake: make(chan struct{}, 1)}
}

// Wake tells the worker that jobs were queued, so it need not wait for its
// next poll. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works the queue until ctx ends, then waits for the jobs in hand, for
// at most cfg.Drain: a job still running then has its context cancelled
// and is queued again, due at once, for this or another worker.
func (w *Worker) Run(ctx context.Context) {
	jobs, abort := context.WithCancel(context.WithoutCancel(ctx))
	defer abort()
	stopDrain := context.AfterFunc(ctx, func() {
		select {
		case <-time.After(w.cfg.Drain):
			abort()
		case <-jobs.Done(): // Run returned first
		}
	})
	defer stopDrain()
	var wg sync.WaitGroup
	for range w.cfg.Concurrency {
		wg.Go(func() { w.loop(ctx, jobs) })
	}
	wg.Wait()
}

// loop claims jobs until ctx ends, and runs them under jobs, which
// outlives ctx by the drain.
func (w *Worker) loop(ctx, jobs context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-w.wake:
		}
		w.failAbandoned(ctx)
		for ctx.Err() == nil {
			ran, err := w.RunOne(jobs)
			if err != nil {
				w.cfg.Log.ErrorContext(ctx, "job queue", "err", err)
			}
			if !ran || err != nil {
				break
			}
		}
		timer.Reset(w.cfg.Poll)
	}
}

// RunDue runs jobs one after another until none is due, and returns how
// many ran. Tests use it with an injected clock.
func (w *Worker) RunDue(ctx context.Context) (int, error) {
	w.failAbandoned(ctx)
	n := 0
	for {
		ran, err := w.RunOne(ctx)
		if err != nil || !ran {
			return n, err
		}
		n++
	}
}

// failAbandoned fails jobs that used up their attempts without a worker
// ever finishing them. A shutdown cutting it short is no error: the next
// worker to start does it.
func (w *Worker) failAbandoned(ctx context.Context) {
	n, err := w.db.Write().FailAbandonedJobs(ctx, w.cfg.Now())
	switch {
	case err != nil && ctx.Err() != nil:
	case err != nil:
		w.cfg.Log.ErrorContext(ctx, "fail abandoned jobs", "err", err)
	case n > 0:
		w.cfg.Log.WarnContext(ctx, "jobs failed: their worker stopped during every attempt", "count", n)
	}
}

// RunOne claims one due job and runs it; ran is false when none was due.
// The job's outcome is recorded; err reports only queue failures. Each claim
// has its own holder name, so a claim whose lease ran out cannot finish the
// next claim of the same job, even within one worker.
func (w *Worker) RunOne(ctx context.Context) (ran bool, err error) {
	now := w.cfg.Now()
	holder := w.id + "." + strconv.FormatInt(w.claims.Add(1), 10)
	j, ok, err := w.db.Write().ClaimJob(ctx, holder, now, now.Add(w.cfg.Lease))
	if err != nil || !ok {
		return false, err
	}
	jobErr := w.run(ctx, j)
	if jobErr != nil && ctx.Err() != nil { // cut off by a shutdown, not failed
		jobErr = errInterrupted{jobErr}
	}
	// The outcome is recorded even when ctx was cancelled under the job.
	finishCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	return true, w.finish(finishCtx, j, holder, jobErr)
}

// finishTimeout bounds the recording of a job's outcome.
const finishTimeout = 5 * time.Second

// run calls the job's handler within its lease, turning a panic into an error.
func (w *Worker) run(ctx context.Context, j referralhub.Job) (err error) {
	h, ok := w.handlers[j.Kind]
	if !ok {
		return referralhub.Errorf(referralhub.EINVALID, "no handler for job kind %q", j.Kind)
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Lease*9/10)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job panicked: %v", p)
		}
	}()
	return h(ctx, j)
}

// finish records a job's outcome: done, retried later, or failed for good.
func (w *Worker) finish(ctx context.Context, j referralhub.Job, holder string, jobErr error) error {
	q, now := w.db.Write(), w.cfg.Now()
	log := w.cfg.Log.With("job_id", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	var (
		held bool
		err  error
	)
	switch {
	case jobErr == nil:
		held, err = q.CompleteJob(ctx, j.ID, holder, now)
	case errors.As(jobErr, new(errInterrupted)):
		log.WarnContext(ctx, "job interrupted by a shutdown: queued again", "err", jobErr)
		held, err = q.RequeueInterruptedJob(ctx, j.ID, holder, now, jobErr.Error())
	case permanent(jobErr) || j.Attempts >= j.MaxAttempts:
		log.ErrorContext(ctx, "job failed", "err", jobErr)
		held, err = q.FailJob(ctx, j.ID, holder, now, jobErr.Error())
	default:
		retry := now.Add(Backoff(j.Attempts))
		log.WarnContext(ctx, "job will retry", "err", jobErr, "at", retry)
		held, err = q.RetryJobLater(ctx, j.ID, holder, retry, jobErr.Error())
	}
	if err == nil && !held {
		log.WarnContext(ctx, "job lease lost before it finished")
	}
	return err
}

// errInterrupted is a job's error when its worker was shutting down and
// cancelled it: the job did not fail, so it runs again at once.
type errInterrupted struct{ err error }

func (e errInterrupted) Error() string { return "interrupted by a shutdown: " + e.err.Error() }
func (e errInterrupted) Unwrap() error { return e.err }

func permanent(err error) bool {
	var e *referralhub.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == referralhub.EINVALID || e.Code == referralhub.ENOTFOUND
}

// Backoff is the wait before retry number attempt (1-based): 5s doubling
// up to an hour, with ±20% jitter so retries of one outage spread out.
func Backoff(attempt int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	jitter := time.Duration(rand.Int64N(int64(d)/5*2+1)) - d/5
	return d + jitter
}
