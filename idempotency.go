package referralhub

import "time"

// IdempotencyLifetime is how long the response to a request with an
// Idempotency-Key is kept, to answer its retries; older records are
// forgotten.
const IdempotencyLifetime = 24 * time.Hour

// IdempotencyKey names one Idempotency-Key of one API key on one route.
type IdempotencyKey struct {
	APIKeyID int64
	Route    string // "POST /api/v1/events"
	Key      string
}

// IdempotencyRecord is what is kept about an idempotency key: the hash of
// the first request's body and, once answered, its response. Status is 0
// while the first request runs.
type IdempotencyRecord struct {
	RequestHash string
	Status      int
	Response    []byte
	CreatedAt   time.Time
}
