package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// CreateAPIKey inserts k with the hash of its secret and sets its ID.
// createdBy is the admin's user id, 0 for the command line.
func (q *Queries) CreateAPIKey(ctx context.Context, k *referralhub.APIKey, keyHash string, createdBy int64) error {
	err := q.queryRow(ctx, `/* CreateAPIKey */ INSERT INTO api_keys (name, scope, key_hash, hint, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		k.Name, k.Scope, keyHash, k.Hint, nullID(createdBy), q.ts(k.CreatedAt)).Scan(&k.ID)
	if err != nil {
		return fmt.Errorf("create api key: %w", err)
	}
	return nil
}

const apiKeyQuery = `SELECT k.id, k.name, k.scope, k.hint, COALESCE(u.username, ''), k.created_at, k.last_used_at, k.revoked_at
	FROM api_keys k LEFT JOIN users u ON u.id = k.created_by `

func scanAPIKey(row rowScanner) (referralhub.APIKey, error) {
	var (
		k             referralhub.APIKey
		used, revoked sql.NullTime
	)
	err := row.Scan(&k.ID, &k.Name, &k.Scope, &k.Hint, &k.CreatedBy, &k.CreatedAt, &used, &revoked)
	k.CreatedAt, k.LastUsedAt, k.RevokedAt = k.CreatedAt.UTC(), utc(used), utc(revoked)
	return k, err
}

// APIKeyByHash returns the key whose secret hashes to keyHash, revoked or
// not, or ENOTFOUND.
func (q *Queries) APIKeyByHash(ctx context.Context, keyHash string) (referralhub.APIKey, error) {
	return q.apiKey(ctx, "APIKeyByHash", "WHERE k.key_hash = $1", keyHash)
}

// APIKey returns a key by id, or ENOTFOUND.
func (q *Queries) APIKey(ctx context.Context, id int64) (referralhub.APIKey, error) {
	return q.apiKey(ctx, "APIKey", "WHERE k.id = $1", id)
}

func (q *Queries) apiKey(ctx context.Context, name, where string, arg any) (referralhub.APIKey, error) {
	k, err := scanAPIKey(q.queryRow(ctx, "/* "+name+" */ "+apiKeyQuery+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return k, referralhub.Errorf(referralhub.ENOTFOUND, "No such API key.")
	}
	if err != nil {
		return k, fmt.Errorf("%s: %w", name, err)
	}
	return k, nil
}

// APIKeys lists keys, newest first.
func (q *Queries) APIKeys(ctx context.Context, limit int) ([]referralhub.APIKey, error) {
	return queryList(ctx, q, "api keys", `/* APIKeys */ `+apiKeyQuery+`ORDER BY k.id DESC LIMIT $1`, scanAPIKey, limit)
}

// RevokeAPIKey marks a key revoked; it reports false when the key was
// revoked already (or does not exist).
func (q *Queries) RevokeAPIKey(ctx context.Context, id int64, now time.Time) (bool, error) {
	return q.setStatus(ctx, "RevokeAPIKey", `UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, q.ts(now))
}

// TouchAPIKey records a key's use at now, unless a use since since is
// recorded already: callers pass now minus the gap they allow between
// writes, so a busy key costs one write per gap, on every instance
// together.
func (q *Queries) TouchAPIKey(ctx context.Context, id int64, now, since time.Time) error {
	_, err := q.exec(ctx, `/* TouchAPIKey */ UPDATE api_keys SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`, id, q.ts(now), q.ts(since))
	if err != nil {
		return fmt.Errorf("touch api key: %w", err)
	}
	return nil
}
