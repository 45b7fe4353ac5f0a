package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/referralhub/referralhub"
	"time"
)

// EnqueueJob queues j, to run at j.RunAt. A job whose DedupeKey is already
// queued (or ever was) is skipped: queued reports whether this one was.
// Call it inside InTx, beside the change that causes the job.
func (q *Queries) EnqueueJob(ctx context.Context, j referralhub.Job) (queued bool, err error) {
	dedupe := sql.NullString{String: j.DedupeKey, Valid: j.DedupeKey != ""}
	var id int64
	err = q.queryRow(ctx, `/* EnqueueJob */ INSERT INTO jobs (kind, payload, dedupe_key, max_attempts, run_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
		j.Kind, string(j.Payload), dedupe, j.MaxAttempts, q.ts(j.RunAt), q.ts(j.CreatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("enqueue %s job: %w", j.Kind, err)
	}
	return true, nil
}

// RequeueJob queues j like EnqueueJob, except that a finished (done or
// failed) job under the same dedupe key is queued again as j instead of
// keeping j out; a queued or running one is left as it is, and queued
// reports false. It is for jobs whose key must be queued once per cause
// but may meet a finished job that another cause left under the same key
// (a webhook delivery whose id an older version gave out twice).
func (q *Queries) RequeueJob(ctx context.Context, j referralhub.Job) (queued bool, err error) {
	var id int64
	err = q.queryRow(ctx, `/* RequeueJob */ INSERT INTO jobs (kind, payload, dedupe_key, max_attempts, run_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO UPDATE SET kind = excluded.kind, payload = excluded.payload,
			state = 'queued', attempts = 0, max_attempts = excluded.max_attempts, run_at = excluded.run_at, locked_by = '',
			last_error = '', created_at = excluded.created_at, finished_at = NULL
		WHERE jobs.state IN ('done', 'failed') RETURNING id`,
		j.Kind, string(j.Payload), j.DedupeKey, j.MaxAttempts, q.ts(j.RunAt), q.ts(j.CreatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("requeue %s job: %w", j.Kind, err)
	}
	return true, nil
}

// ClaimJob takes the next due job for worker, leasing it until leaseEnd: if
// the worker dies, the job is due again then. ok is false when nothing is
// due. On PostgreSQL, concurrent claimers skip each other's rows.
func (q *Queries) ClaimJob(ctx context.Context, worker string, now, leaseEnd time.Time) (j referralhub.Job, ok bool, err error) {
	var payload string
	err = q.queryRow(ctx, `/* ClaimJob */ UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, run_at = $2
		WHERE id = (SELECT id FROM jobs WHERE state IN ('queued', 'running') AND run_at <= $3 AND attempts < max_attempts
			ORDER BY run_at, id LIMIT 1`+q.d.skipLocked()+`)
		RETURNING id, kind, payload, COALESCE(dedupe_key, ''), attempts, max_attempts, last_error`,
		worker, q.ts(leaseEnd), q.ts(now)).Scan(&j.ID, &j.Kind, &payload, &j.DedupeKey,
		&j.Attempts, &j.MaxAttempts, &j.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return referralhub.Job{}, false, nil
	}
	if err != nil {
		return referralhub.Job{}, false, fmt.Errorf("claim job: %w", err)
	}
	// RETURNING carries no column types on SQLite, so no timestamps here.
	j.Payload, j.State, j.RunAt = []byte(payload), referralhub.JobRunning, leaseEnd
	return j, true, nil
}

// FailAbandonedJobs fails running jobs whose lease ran out after their
// last attempt: their worker died on each try (a job that crashes the
// process, say), so they wait for an admin instead of looping forever.
func (q *Queries) FailAbandonedJobs(ctx context.Context, now time.Time) (int64, error) {
	res, err := q.exec(ctx, `/* FailAbandonedJobs */ UPDATE jobs SET state = 'failed', finished_at = $1, locked_by = '',
		last_error = 'the worker stopped during every attempt' WHERE state IN ('queued', 'running') AND run_at <= $1
		AND attempts >= max_attempts`, q.ts(now))
	if err != nil {
		return 0, fmt.Errorf("fail abandoned jobs: %w", err)
	}
	return res.RowsAffected()
}

// CompleteJob marks a claimed job done. It changes nothing (and reports
// false) when the worker no longer holds the job because its lease ran out
// and another worker took it.
func (q *Queries) CompleteJob(ctx context.Context, id int64, worker string, now time.Time) (bool, error) {
	return q.finishJob(ctx, `/* CompleteJob */ UPDATE jobs SET state = 'done', finished_at = $3, last_error = ''
		WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, q.ts(now))
}

// RetryJobLater puts a claimed job that failed back in the queue, due at
// retryAt, remembering the error.
func (q *Queries) RetryJobLater(ctx context.Context, id int64, worker string, retryAt time.Time, lastError string) (bool, error) {
	return q.finishJob(ctx, `/* RetryJobLater */ UPDATE jobs SET state = 'queued', run_at = $3, last_error = $4, locked_by = ''
		WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, q.ts(retryAt), lastError)
}

// RequeueInterruptedJob puts back a claimed job that its worker cut off
// while shutting down: due at now, and without counting the attempt.
func (q *Queries) RequeueInterruptedJob(ctx context.Context, id int64, worker string, now time.Time, lastError string) (bool, error) {
	return q.finishJob(ctx, `/* RequeueInterruptedJob */ UPDATE jobs SET state = 'queued', run_at = $3, last_error = $4,
		locked_by = '', attempts = attempts - 1 WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, q.ts(now), lastError)
}

// FailJob gives up on a claimed job: it stays failed until an admin retries it.
func (q *Queries) FailJob(ctx context.Context, id int64, worker string, now time.Time, lastError string) (bool, error) {
	return q.finishJob(ctx, `/* FailJob */ UPDATE jobs SET state = 'failed', finished_at = $3, last_error = $4, locked_by = ''
		WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, q.ts(now), lastError)
}

func (q *Queries) finishJob(ctx context.Context, query string, args ...any) (bool, error) {
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("finish job: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RetryFailedJob queues a failed job again, due now, with a fresh count of
// attempts. It returns ENOTFOUND-style false when the job is not failed.
func (q *Queries) RetryFailedJob(ctx context.Context, id int64, now time.Time) (bool, error) {
	return q.finishJob(ctx, `/* RetryFailedJob */ UPDATE jobs SET state = 'queued', attempts = 0, run_at = $2, finished_at = NULL
		WHERE id = $1 AND state = 'failed'`, id, q.ts(now))
}

// Jobs lists jobs in state, newest first; "" lists every state.
func (q *Queries) Jobs(ctx context.Context, state string, limit int) ([]referralhub.Job, error) {
	return queryList(ctx, q, "list jobs", `/* Jobs */ SELECT id, kind, payload, state, COALESCE(dedupe_key, ''), attempts, max_attempts,
		run_at, last_error, created_at, finished_at
		FROM jobs WHERE $1 = '' OR state = $1 ORDER BY id DESC LIMIT $2`, scanJob, state, limit)
}

func scanJob(r rowScanner) (referralhub.Job, error) {
	var (
		j        referralhub.Job
		payload  string
		finished sql.NullTime
	)
	err := r.Scan(&j.ID, &j.Kind, &payload, &j.State, &j.DedupeKey, &j.Attempts, &j.MaxAttempts,
		&j.RunAt, &j.LastError, &j.CreatedAt, &finished)
	j.Payload, j.FinishedAt = []byte(payload), finished.Time
	return j, err
}

// EarlierJobRunning reports whether a job of kind queued before id (with
// a smaller id) is running at now, its lease alive: jobs that must not
// overlap step aside for it.
func (q *Queries) EarlierJobRunning(ctx context.Context, kind string, id int64, now time.Time) (bool, error) {
	var running bool
	err := q.queryRow(ctx, `/* EarlierJobRunning */ SELECT EXISTS (SELECT 1 FROM jobs
		WHERE kind = $1 AND state = 'running' AND id < $2 AND run_at > $3)`, kind, id, q.ts(now)).Scan(&running)
	if err != nil {
		return false, fmt.Errorf("earlier job running: %w", err)
	}
	return running, nil
}

// JobCounts counts jobs by state.
func (q *Queries) JobCounts(ctx context.Context) (map[string]int64, error) {
	return q.countsBy(ctx, "count jobs", `/* JobCounts */ SELECT state, count(*) FROM jobs GROUP BY state`)
}

// DeleteDoneJobs removes jobs finished before cutoff, keeping failed ones.
func (q *Queries) DeleteDoneJobs(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := q.exec(ctx, `/* DeleteDoneJobs */ DELETE FROM jobs WHERE state = 'done' AND finished_at < $1`, q.ts(cutoff))
	if err != nil {
		return 0, fmt.Errorf("delete done jobs: %w", err)
	}
	return res.RowsAffected()
}

// OldestDueJob returns when the queued job that has waited longest became
// due, or ok false when no queued job is due at now. It reads one row of
// the jobs_due_idx index: the query repeats the index's condition so that
// SQLite, which matches partial indexes by their terms, uses it too.
func (q *Queries) OldestDueJob(ctx context.Context, now time.Time) (runAt time.Time, ok bool, err error) {
	err = q.queryRow(ctx, `/* OldestDueJob */ SELECT run_at FROM jobs WHERE state IN ('queued', 'running')
		AND state = 'queued' AND run_at <= $1 ORDER BY run_at LIMIT 1`, q.ts(now)).Scan(&runAt)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("oldest due job: %w", err)
	}
	return runAt.UTC(), true, nil
}

// RedactJobs replaces the payload of every job whose dedupe key starts with
// prefix, and clears the key, for jobs that carry an address (password
// resets ask by email). A job still queued then finds nobody and is done.
func (q *Queries) RedactJobs(ctx context.Context, prefix, payload string) error {
	_, err := q.exec(ctx, `/* RedactJobs */ UPDATE jobs SET payload = $2, dedupe_key = NULL
		WHERE dedupe_key LIKE $1 ESCAPE '\'`, escapeLike(prefix)+"%", payload)
	if err != nil {
		return fmt.Errorf("redact jobs: %w", err)
	}
	return nil
}

// RedactJobErrors blanks the last error of every job whose error mentions
// text, regardless of case: a mail server's refusal often quotes the
// address.
func (q *Queries) RedactJobErrors(ctx context.Context, text string) error {
	_, err := q.exec(ctx, `/* RedactJobErrors */ UPDATE jobs SET last_error = '(removed: it named a deleted account)'
		WHERE lower(last_error) LIKE $1 ESCAPE '\'`, SearchPattern(text))
	if err != nil {
		return fmt.Errorf("redact job errors: %w", err)
	}
	return nil
}
