// api_idempotency: what the API keeps about each Idempotency-Key it was sent.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// ClaimIdempotencyKey inserts k, in progress, for a request whose body
// hashes to requestHash. It reports false, and changes nothing, when k is
// recorded already; on PostgreSQL a concurrent claim waits for the first
// to commit and then reports false.
func (q *Queries) ClaimIdempotencyKey(ctx context.Context, k referralhub.IdempotencyKey, requestHash string, now time.Time) (bool, error) {
	var one int
	err := q.queryRow(ctx, `/* ClaimIdempotencyKey */ INSERT INTO api_idempotency (api_key_id, route, idem_key, request_hash, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (api_key_id, route, idem_key) DO NOTHING RETURNING 1`,
		k.APIKeyID, k.Route, k.Key, requestHash, q.ts(now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim idempotency key: %w", err)
	}
	return true, nil
}

// IdempotencyRecordOf returns what is kept about k, or ENOTFOUND.
func (q *Queries) IdempotencyRecordOf(ctx context.Context, k referralhub.IdempotencyKey) (referralhub.IdempotencyRecord, error) {
	var (
		r    referralhub.IdempotencyRecord
		body string
	)
	err := q.queryRow(ctx, `/* IdempotencyRecordOf */ SELECT request_hash, status, response, created_at FROM api_idempotency
		WHERE api_key_id = $1 AND route = $2 AND idem_key = $3`, k.APIKeyID, k.Route, k.Key).
		Scan(&r.RequestHash, &r.Status, &body, &r.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return r, referralhub.Errorf(referralhub.ENOTFOUND, "No such idempotency key.")
	}
	if err != nil {
		return r, fmt.Errorf("idempotency record: %w", err)
	}
	r.Response, r.CreatedAt = []byte(body), r.CreatedAt.UTC()
	return r, nil
}

// RetakeIdempotencyKey claims k again for a new request: when its record
// was made before expired (it is forgotten, whatever it held), or when it
// is still in progress since before abandoned with the same requestHash
// (its request died without an answer). It reports whether k was taken.
func (q *Queries) RetakeIdempotencyKey(ctx context.Context, k referralhub.IdempotencyKey, requestHash string, now, expired, abandoned time.Time) (bool, error) {
	return q.setStatus(ctx, "RetakeIdempotencyKey", `UPDATE api_idempotency
		SET request_hash = $4, status = 0, response = '', created_at = $5
		WHERE api_key_id = $1 AND route = $2 AND idem_key = $3
		AND (created_at < $6 OR status = 0 AND created_at < $7 AND request_hash = $4)`,
		k.APIKeyID, k.Route, k.Key, requestHash, q.ts(now), q.ts(expired), q.ts(abandoned))
}

// CompleteIdempotencyKey keeps the response to k's request, to be replayed.
func (q *Queries) CompleteIdempotencyKey(ctx context.Context, k referralhub.IdempotencyKey, status int, response []byte) error {
	_, err := q.exec(ctx, `/* CompleteIdempotencyKey */ UPDATE api_idempotency SET status = $4, response = $5
		WHERE api_key_id = $1 AND route = $2 AND idem_key = $3 AND status = 0`,
		k.APIKeyID, k.Route, k.Key, status, string(response))
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets k while its request is in progress, so the
// request can be tried again (after a failure on the server's side).
func (q *Queries) ReleaseIdempotencyKey(ctx context.Context, k referralhub.IdempotencyKey) error {
	_, err := q.exec(ctx, `/* ReleaseIdempotencyKey */ DELETE FROM api_idempotency
		WHERE api_key_id = $1 AND route = $2 AND idem_key = $3 AND status = 0`, k.APIKeyID, k.Route, k.Key)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// DeleteIdempotencyBefore deletes up to limit records made before cutoff,
// oldest first, and returns how many went.
func (q *Queries) DeleteIdempotencyBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	res, err := q.exec(ctx, `/* DeleteIdempotencyBefore */ DELETE FROM api_idempotency
		WHERE (api_key_id, route, idem_key) IN (SELECT api_key_id, route, idem_key FROM api_idempotency
			WHERE created_at < $1 ORDER BY created_at LIMIT $2)`, q.ts(cutoff), limit)
	if err != nil {
		return 0, fmt.Errorf("delete idempotency records: %w", err)
	}
	return res.RowsAffected()
}
