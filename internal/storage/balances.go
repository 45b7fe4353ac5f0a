// balances: each participant's running sums of the ledger, per kind and currency.

package storage

import (
	"context"
	"fmt"

	"github.com/referralhub/referralhub"
)

// addBalance moves a participant's running balance of kind and currency.
func (q *Queries) addBalance(ctx context.Context, participantID int64, kind, currency string, available, pending int64) error {
	_, err := q.exec(ctx, `/* addBalance */ INSERT INTO balances (participant_id, kind, currency, available, pending)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (participant_id, kind, currency) DO UPDATE
		SET available = balances.available + excluded.available, pending = balances.pending + excluded.pending`,
		participantID, kind, currency, available, pending)
	if err != nil {
		return fmt.Errorf("add balance: %w", err)
	}
	return nil
}

// Balances returns what a participant holds, per kind and currency, from
// the running balances kept beside the ledger: one indexed read, however
// many entries there are. LedgerBalances computes the same from the entries.
func (q *Queries) Balances(ctx context.Context, participantID int64) ([]referralhub.Balance, error) {
	return q.balances(ctx, `/* Balances */ SELECT kind, currency, available, pending FROM balances
		WHERE participant_id = $1 ORDER BY kind, currency`, participantID)
}

// ledgerBalancesQuery derives balances from the entries. Available counts
// approved entries not yet asked for, plus reversed ones that were never
// paid out, which their (negative) clawback entries cancel; a reversed one
// that was paid leaves only its clawback: what is owed. Pending counts
// entries on hold.
const ledgerBalancesQuery = `SELECT participant_id, kind, currency,
	COALESCE(SUM(CASE WHEN status = 'approved' AND redeem_asked_at IS NULL OR status = 'reversed' AND NOT needs_review
		THEN amount ELSE 0 END), 0) AS available,
	COALESCE(SUM(CASE WHEN status = 'pending' THEN amount ELSE 0 END), 0) AS pending
	FROM rewards`

// LedgerBalances derives a participant's balances from the ledger entries.
// Tests compare it with Balances; RebuildBalances uses the same sums.
func (q *Queries) LedgerBalances(ctx context.Context, participantID int64) ([]referralhub.Balance, error) {
	return q.balances(ctx, `/* LedgerBalances */ SELECT kind, currency, available, pending FROM (`+ledgerBalancesQuery+`
		WHERE participant_id = $1 GROUP BY participant_id, kind, currency) b ORDER BY kind, currency`, participantID)
}

// RebuildBalances recomputes every running balance from the ledger, after a
// bulk load.
func (q *Queries) RebuildBalances(ctx context.Context) error {
	if _, err := q.exec(ctx, `/* RebuildBalances */ DELETE FROM balances`); err != nil {
		return fmt.Errorf("rebuild balances: %w", err)
	}
	_, err := q.exec(ctx, `/* RebuildBalances */ INSERT INTO balances (participant_id, kind, currency, available, pending) `+
		ledgerBalancesQuery+` GROUP BY participant_id, kind, currency`)
	if err != nil {
		return fmt.Errorf("rebuild balances: %w", err)
	}
	return nil
}

func (q *Queries) balances(ctx context.Context, query string, args ...any) ([]referralhub.Balance, error) {
	return queryList(ctx, q, "balances", query, func(r rowScanner) (referralhub.Balance, error) {
		var b referralhub.Balance
		err := r.Scan(&b.Kind, &b.Currency, &b.Available, &b.Pending)
		return b, err
	}, args...)
}
