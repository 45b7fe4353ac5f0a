// ledger_checks: the outcome of each walk of the ledger's chains.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/referralhub/referralhub"
)

// InsertLedgerCheck records the outcome of a walk of the chains (its
// first break only, in words) and sets its ID.
func (q *Queries) InsertLedgerCheck(ctx context.Context, c *referralhub.LedgerCheck) error {
	err := q.queryRow(ctx, `/* InsertLedgerCheck */ INSERT INTO ledger_checks (started_at, finished_at, ok, chains, records,
		breaks, digest, problem) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		q.ts(c.StartedAt), q.ts(c.FinishedAt), c.OK, c.Chains, c.Records, c.BreakCount, c.Digest, c.Problem).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("record ledger check: %w", err)
	}
	return nil
}

// LastLedgerCheck returns the latest walk of the chains; found is false
// when the ledger was never verified.
func (q *Queries) LastLedgerCheck(ctx context.Context) (c referralhub.LedgerCheck, found bool, err error) {
	err = q.queryRow(ctx, `/* LastLedgerCheck */ SELECT id, started_at, finished_at, ok, chains, records, breaks, digest, problem
		FROM ledger_checks ORDER BY id DESC LIMIT 1`).Scan(&c.ID, &c.StartedAt, &c.FinishedAt, &c.OK, &c.Chains, &c.Records,
		&c.BreakCount, &c.Digest, &c.Problem)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("last ledger check: %w", err)
	}
	c.StartedAt, c.FinishedAt = c.StartedAt.UTC(), c.FinishedAt.UTC()
	return c, true, nil
}
