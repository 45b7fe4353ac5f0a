package core

import (
	"context"
	"time"
)

// Upkeep schedule.
const (
	// UpkeepEvery is how often the hourly tasks run: deleting expired
	// sessions and old finished jobs, requeueing webhook deliveries left
	// without a job, reducing old clicks, pruning idempotency records,
	// making IP salts and forgetting old IP data, and (once a day)
	// verifying the ledger.
	UpkeepEvery = time.Hour
	// DoneJobsKept is how long finished jobs stay visible at /admin/jobs.
	DoneJobsKept = 30 * 24 * time.Hour
)

// UpkeepRole says which periodic tasks an instance runs.
type UpkeepRole int

const (
	// WorkerUpkeep is every task, for an instance that runs the job
	// workers ("worker", and "serve" without --no-worker): hourly (first
	// an hour after it starts) it deletes expired sessions and finished
	// jobs older than DoneJobsKept, queues a job for every pending webhook
	// delivery left without one, makes the coming months' clicks tables
	// (PostgreSQL), reduces clicks older than the click retention to daily
	// counts, prunes idempotency records, makes the
	// next IP salt, forgets IP data no check can use any more, fills in
	// the identity emails of participants made before they were kept, and
	// once a UTC day verifies the ledger's hash chains (VerifyLedger); and it
	// queues the analytics refresh at once and every
	// AnalyticsRefreshEvery.
	WorkerUpkeep UpkeepRole = iota
	// WebUpkeep is only the hourly making of IP salts, for a web instance
	// without job workers ("serve --no-worker"): its click path reads them.
	WebUpkeep
)

// Upkeep returns the periodic work of an instance in role, timed by the
// injected clock from now. Make the IP salts (EnsureIPSalts) before it
// starts: its first hourly run is an hour away.
func (s *Service) Upkeep(role UpkeepRole) *Upkeep {
	now := s.now()
	salts := upkeepTask{name: "make ip salts", run: noCount(s.EnsureIPSalts)}
	if role == WebUpkeep {
		return newUpkeep(s.log, s.now, &schedule{every: UpkeepEvery, next: now.Add(UpkeepEvery), tasks: []upkeepTask{salts}})
	}
	hourly := []upkeepTask{
		{name: "delete expired sessions", done: "deleted expired sessions", run: s.deleteExpiredSessions},
		{name: "delete done jobs", run: s.deleteDoneJobs},
		{name: "requeue stranded webhook deliveries", done: "requeued webhook deliveries that had no job", run: s.RequeueStrandedWebhooks},
		{name: "make click partitions", done: "made clicks tables for the coming months", run: s.EnsureClickPartitions},
		{name: "reduce old clicks", done: "reduced old clicks to daily counts", run: s.ReduceOldClicks},
		{name: "prune idempotency records", run: s.PruneIdempotency},
		salts,
		{name: "forget old ip data", run: noCount(s.ForgetOldIPData)},
		{name: "verify the ledger", run: s.verifyLedgerDaily},
		{name: "fill identity emails", done: "filled in participants' identity emails", run: s.FillIdentityEmails},
	}
	analytics := []upkeepTask{{name: "queue analytics refresh", run: noCount(s.QueueAnalyticsRefresh)}}
	return newUpkeep(s.log, s.now,
		&schedule{every: UpkeepEvery, next: now.Add(UpkeepEvery), tasks: hourly},
		&schedule{every: AnalyticsRefreshEvery, next: now, tasks: analytics})
}

// deleteExpiredSessions deletes the sessions expired by now.
func (s *Service) deleteExpiredSessions(ctx context.Context) (int64, error) {
	return s.db.Write().DeleteExpiredSessions(ctx, s.now())
}

// deleteDoneJobs deletes the jobs finished more than DoneJobsKept ago;
// failed ones wait for an admin.
func (s *Service) deleteDoneJobs(ctx context.Context) (int64, error) {
	return s.db.Write().DeleteDoneJobs(ctx, s.now().Add(-DoneJobsKept))
}

// noCount adapts a task that counts nothing.
func noCount(run func(context.Context) error) func(context.Context) (int64, error) {
	return func(ctx context.Context) (int64, error) { return 0, run(ctx) }
}
