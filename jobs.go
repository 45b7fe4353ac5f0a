package referralhub

import "time"

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is one unit of durable work: send a mail, call Stripe, release a hold.
type Job struct {
	ID          int64
	Kind        string
	Payload     []byte // JSON, read by the kind's handler
	State       string
	DedupeKey   string // "" for none; a second job with the same key is not queued
	Attempts    int
	MaxAttempts int
	RunAt       time.Time
	LastError   string
	CreatedAt   time.Time
	FinishedAt  time.Time
}
