package storage

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// EnsureIPSalt stores salt for epoch unless one is there already, and
// returns the one that is: every instance ends up with the same salt.
func (q *Queries) EnsureIPSalt(ctx context.Context, epoch int64, salt []byte, now time.Time) ([]byte, error) {
	_, err := q.exec(ctx, `/* EnsureIPSalt */ INSERT INTO ip_salts (epoch, salt, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (epoch) DO NOTHING`, epoch, hex.EncodeToString(salt), q.ts(now))
	if err != nil {
		return nil, fmt.Errorf("ensure ip salt: %w", err)
	}
	got, ok, err := q.IPSalt(ctx, epoch)
	if err == nil && !ok {
		err = errors.New("ensure ip salt: the salt vanished")
	}
	return got, err
}

// IPSalt returns the salt of epoch; ok is false when there is none (it was
// never made, or it was deleted).
func (q *Queries) IPSalt(ctx context.Context, epoch int64) (salt []byte, ok bool, err error) {
	var text string
	err = q.queryRow(ctx, `/* IPSalt */ SELECT salt FROM ip_salts WHERE epoch = $1`, epoch).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("ip salt: %w", err)
	}
	salt, err = hex.DecodeString(text)
	return salt, err == nil, err
}

// DeleteIPSaltsBefore deletes the salts of epochs before epoch.
func (q *Queries) DeleteIPSaltsBefore(ctx context.Context, epoch int64) (int64, error) {
	res, err := q.exec(ctx, `/* DeleteIPSaltsBefore */ DELETE FROM ip_salts WHERE epoch < $1`, epoch)
	if err != nil {
		return 0, fmt.Errorf("delete ip salts: %w", err)
	}
	return res.RowsAffected()
}
