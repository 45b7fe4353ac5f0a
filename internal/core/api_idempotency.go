package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/referralhub/referralhub"
)

// Idempotency of API requests that create something: the first request
// with an Idempotency-Key runs, and its response is kept for a day; a
// repeat with the same body gets that response again, and nothing runs
// twice.
const (
	maxIdempotencyKey   = 255
	idempotencyLifetime = 24 * time.Hour
	// idempotencyAbandoned is how long a request may stay in progress
	// before a retry with the same body may take its key over: longer
	// than any request runs.
	idempotencyAbandoned = 5 * time.Minute
	idempotencyPrune     = 100 // expired records deleted per new one
)

// The two ways an Idempotency-Key can clash. Both are ECONFLICT; faces
// tell them apart with errors.Is.
var (
	ErrIdempotencyKeyReused = &referralhub.Error{Code: referralhub.ECONFLICT,
		Message: "This Idempotency-Key was used with a different request body."}
	ErrIdempotencyKeyInUse = &referralhub.Error{Code: referralhub.ECONFLICT,
		Message: "A request with this Idempotency-Key is still in progress: retry when it has finished."}
)

// StoredResponse is the first response to an idempotent request.
type StoredResponse struct {
	Status int
	Body   []byte
}

// BeginIdempotent starts a request carrying an Idempotency-Key. With a
// nil response and no error the request is the key's first (or retries
// one that failed on the server's side): run it, then call
// FinishIdempotent. A non-nil response is the first request's, to send
// again. A different body, or a first request still running, is refused.
func (s *Service) BeginIdempotent(ctx context.Context, k referralhub.IdempotencyKey, body []byte) (*StoredResponse, error) {
	if k.Key == "" || len(k.Key) > maxIdempotencyKey || !isVisibleASCII(k.Key) {
		return nil, &referralhub.Error{Code: referralhub.EINVALID, Message: "An Idempotency-Key is 1 to 255 visible ASCII characters.",
			Fields: map[string]string{"Idempotency-Key": "An Idempotency-Key is 1 to 255 visible ASCII characters."}}
	}
	sum := sha256.Sum256(body)
	hash, now, q := hex.EncodeToString(sum[:]), s.now(), s.db.Write()
	if _, err := q.DeleteIdempotencyBefore(ctx, now.Add(-idempotencyLifetime), idempotencyPrune); err != nil {
		return nil, err
	}
	for range 2 { // the record may expire between the claim and the read
		claimed, err := q.ClaimIdempotencyKey(ctx, k, hash, now)
		if err != nil || claimed {
			return nil, err
		}
		rec, err := q.IdempotencyRecordOf(ctx, k)
		if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		retaken, err := q.RetakeIdempotencyKey(ctx, k, hash, now, now.Add(-idempotencyLifetime), now.Add(-idempotencyAbandoned))
		switch {
		case err != nil || retaken:
			return nil, err
		case rec.RequestHash != hash:
			return nil, ErrIdempotencyKeyReused
		case rec.Status == 0:
			return nil, ErrIdempotencyKeyInUse
		}
		return &StoredResponse{Status: rec.Status, Body: rec.Response}, nil
	}
	return nil, ErrIdempotencyKeyInUse
}

// StatusClientGone is the status of a request whose client went away
// before the answer (nginx's 499): the work it began was rolled back.
const StatusClientGone = 499

// FinishIdempotent keeps the response to a request BeginIdempotent let
// run. A server error is not kept, nor an answer the client went away
// from (StatusClientGone): the key is released, so a retry runs again.
func (s *Service) FinishIdempotent(ctx context.Context, k referralhub.IdempotencyKey, resp StoredResponse) error {
	ctx = context.WithoutCancel(ctx) // a client that hung up must not leave the key in progress
	if resp.Status >= 500 || resp.Status == StatusClientGone {
		return s.db.Write().ReleaseIdempotencyKey(ctx, k)
	}
	return s.db.Write().CompleteIdempotencyKey(ctx, k, resp.Status, resp.Body)
}

// PruneIdempotency deletes every idempotency record older than a day, in
// batches, and returns how many went. New requests prune a few as they
// come; run this hourly too, so kept responses (which can hold a
// participant's email and name) never outlive their day when the API is
// quiet.
func (s *Service) PruneIdempotency(ctx context.Context) (int64, error) {
	var total int64
	cutoff := s.now().Add(-idempotencyLifetime)
	for {
		n, err := s.db.Write().DeleteIdempotencyBefore(ctx, cutoff, 1000)
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}

// isVisibleASCII reports whether s is printable ASCII without spaces.
func isVisibleASCII(s string) bool {
	for i := range len(s) {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
