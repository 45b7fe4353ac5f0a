package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/referralhub/referralhub"
)

// IdempotencyStore keeps what the API remembers of each Idempotency-Key:
// the hash of its first request's body and, once answered, the response.
// The database's writer (storage.DB.Write()) is one; cmd wires it.
type IdempotencyStore interface {
	// ClaimIdempotencyKey records k, in progress, for a body hashing to
	// requestHash; false when k is recorded already.
	ClaimIdempotencyKey(ctx context.Context, k referralhub.IdempotencyKey, requestHash string, now time.Time) (bool, error)
	// IdempotencyRecordOf returns what is kept about k, or ENOTFOUND.
	IdempotencyRecordOf(ctx context.Context, k referralhub.IdempotencyKey) (referralhub.IdempotencyRecord, error)
	// RetakeIdempotencyKey claims k again when its record was made before
	// expired, or is still in progress since before abandoned with the
	// same requestHash.
	RetakeIdempotencyKey(ctx context.Context, k referralhub.IdempotencyKey, requestHash string, now, expired, abandoned time.Time) (bool, error)
	// CompleteIdempotencyKey keeps the response to k's request.
	CompleteIdempotencyKey(ctx context.Context, k referralhub.IdempotencyKey, status int, response []byte) error
	// ReleaseIdempotencyKey forgets k while its request is in progress.
	ReleaseIdempotencyKey(ctx context.Context, k referralhub.IdempotencyKey) error
	// DeleteIdempotencyBefore deletes up to limit records made before
	// cutoff, oldest first, and returns how many went.
	DeleteIdempotencyBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error)
}

// Idempotency of API requests that create something: the first request
// with an Idempotency-Key runs, and its response is kept for
// referralhub.IdempotencyLifetime; a repeat with the same body gets that
// response again, and nothing runs twice.
const (
	maxIdempotencyKey = 255
	// idempotencyAbandoned is how long a request may stay in progress
	// before a retry with the same body may take its key over: longer
	// than any request runs.
	idempotencyAbandoned = 5 * time.Minute
	idempotencyPrune     = 100 // expired records deleted per new one
)

// The two ways an Idempotency-Key can clash. Both are ECONFLICT; the
// error answer tells them apart with errors.Is.
var (
	errIdempotencyKeyReused = &referralhub.Error{Code: referralhub.ECONFLICT,
		Message: "This Idempotency-Key was used with a different request body."}
	errIdempotencyKeyInUse = &referralhub.Error{Code: referralhub.ECONFLICT,
		Message: "A request with this Idempotency-Key is still in progress: retry when it has finished."}
)

// storedResponse is the first response to an idempotent request.
type storedResponse struct {
	Status int
	Body   []byte
}

// idempotency keeps and replays the responses to requests carrying an
// Idempotency-Key.
type idempotency struct {
	store IdempotencyStore
	now   func() time.Time
}

// begin starts a request carrying an Idempotency-Key. With a nil response
// and no error the request is the key's first (or retries one that failed
// on the server's side): run it, then call finish. A non-nil response is
// the first request's, to send again. A different body, or a first
// request still running, is refused.
func (i idempotency) begin(ctx context.Context, k referralhub.IdempotencyKey, body []byte) (*storedResponse, error) {
	if k.Key == "" || len(k.Key) > maxIdempotencyKey || !isVisibleASCII(k.Key) {
		return nil, &referralhub.Error{Code: referralhub.EINVALID, Message: "An Idempotency-Key is 1 to 255 visible ASCII characters.",
			Fields: map[string]string{"Idempotency-Key": "An Idempotency-Key is 1 to 255 visible ASCII characters."}}
	}
	sum := sha256.Sum256(body)
	hash, now := hex.EncodeToString(sum[:]), i.now()
	expired := now.Add(-referralhub.IdempotencyLifetime)
	if _, err := i.store.DeleteIdempotencyBefore(ctx, expired, idempotencyPrune); err != nil {
		return nil, err
	}
	for range 2 { // the record may expire between the claim and the read
		claimed, err := i.store.ClaimIdempotencyKey(ctx, k, hash, now)
		if err != nil || claimed {
			return nil, err
		}
		rec, err := i.store.IdempotencyRecordOf(ctx, k)
		if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		retaken, err := i.store.RetakeIdempotencyKey(ctx, k, hash, now, expired, now.Add(-idempotencyAbandoned))
		switch {
		case err != nil || retaken:
			return nil, err
		case rec.RequestHash != hash:
			return nil, errIdempotencyKeyReused
		case rec.Status == 0:
			return nil, errIdempotencyKeyInUse
		}
		return &storedResponse{Status: rec.Status, Body: rec.Response}, nil
	}
	return nil, errIdempotencyKeyInUse
}

// finish keeps the response to a request begin let run. A server error is
// not kept, nor an answer the client went away from (statusClientGone):
// the key is released, so a retry runs again.
func (i idempotency) finish(ctx context.Context, k referralhub.IdempotencyKey, resp storedResponse) error {
	ctx = context.WithoutCancel(ctx) // a client that hung up must not leave the key in progress
	if resp.Status >= 500 || resp.Status == statusClientGone {
		return i.store.ReleaseIdempotencyKey(ctx, k)
	}
	return i.store.CompleteIdempotencyKey(ctx, k, resp.Status, resp.Body)
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
