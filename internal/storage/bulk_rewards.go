// The demo's and the upgrade's bulk credits: one points entry per referral,
// hashed onto its referrer's ledger chain as it is written.

package storage

import (
	"context"
	"fmt"
	"time"
)

// bulkRewardBatch is how many referrals BulkSignupRewards reads per round.
const bulkRewardBatch = 10000

// bulkRewardCols are the columns BulkSignupRewards writes: the entry, its
// opening state and its place in the chain, in one insert.
var bulkRewardCols = []bulkCol{{"id", "bigint"}, {"participant_id", "bigint"}, {"side", "text"}, {"entry", "text"},
	{"rule_id", "bigint"}, {"referral_id", "bigint"}, {"kind", "text"}, {"amount", "bigint"}, {"currency", "text"},
	{"status", "text"}, {"reason", "text"}, {"credited_at", "timestamptz"}, {"approved_at", "timestamptz"},
	{"chain_seq", "bigint"}, {"opening_state", "text"}, {"prev_hash", "text"}, {"hash", "text"}}

// bulkReferral is a referral as BulkSignupRewards credits it.
type bulkReferral struct {
	id, referrerID int64
	createdAt      time.Time
	referee        string // the referee's username, "someone" without one
}

// BulkSignupRewards credits every referral that has no entry under ruleID
// with points for its referrer, approved at the referral's time, as the
// default program would have. Each entry is hashed onto its referrer's
// ledger chain in Go before it is inserted, so no row is written twice.
// The demo uses it after BulkReferralRows, and an upgrade for the
// referrals made before the ledger. Call it inside InTx with nothing else
// writing the ledger.
func (q *Queries) BulkSignupRewards(ctx context.Context, ruleID, points int64) error {
	credited, err := q.creditedReferrals(ctx, ruleID)
	if err != nil {
		return err
	}
	heads, err := q.allHeads(ctx)
	if err != nil {
		return err
	}
	var total int64
	if err := q.queryRow(ctx, `/* BulkSignupRewards.count */ SELECT COUNT(*) FROM referrals`).Scan(&total); err != nil {
		return fmt.Errorf("bulk signup rewards: %w", err)
	}
	if total == 0 {
		return q.RebuildBalances(ctx)
	}
	nextID, err := q.reserveIDs(ctx, "rewards", total)
	if err != nil {
		return err
	}
	touched := map[int64]chainHead{}
	for after := int64(0); ; {
		refs, err := q.referralsAfter(ctx, after)
		if err != nil || len(refs) == 0 {
			if err != nil {
				return err
			}
			break
		}
		after = refs[len(refs)-1].id
		args := make([]any, 0, len(refs)*len(bulkRewardCols))
		for _, r := range refs {
			if credited[r.id] {
				continue
			}
			args = q.appendBulkReward(args, chainEntry{ID: nextID, ParticipantID: r.referrerID, Side: "referrer",
				Entry: "reward", RuleID: ruleID, ReferralID: r.id, Kind: "points", Amount: points, CreditedAt: r.createdAt},
				r.referee, heads)
			touched[r.referrerID] = heads[r.referrerID]
			nextID++
		}
		if err := q.insertBulkRewards(ctx, args); err != nil {
			return err
		}
	}
	if err := q.storeHeads(ctx, touched); err != nil {
		return err
	}
	return q.RebuildBalances(ctx)
}

// appendBulkReward hashes e, approved at its credit, onto its
// beneficiary's head in heads, moves the head, and appends the row's
// values to args.
func (q *Queries) appendBulkReward(args []any, e chainEntry, referee string, heads map[int64]chainHead) []any {
	opening := ledgerState{Status: "approved", ApprovedAt: chainTime(e.CreditedAt)}
	h := heads[e.ParticipantID]
	e.Opening, e.Seq, e.Prev = opening.encode(), h.seq+1, h.hash
	hash := e.hash()
	heads[e.ParticipantID] = chainHead{seq: e.Seq, hash: hash}
	at := q.ts(e.CreditedAt)
	return append(args, e.ID, e.ParticipantID, e.Side, e.Entry, e.RuleID, e.ReferralID, e.Kind, e.Amount, e.Currency,
		opening.Status, referee+" signed up", at, at, e.Seq, e.Opening, e.Prev, hash)
}

// insertBulkRewards inserts the rows in args (bulkRewardCols values each).
func (q *Queries) insertBulkRewards(ctx context.Context, args []any) error {
	n := len(bulkRewardCols)
	return inChunks(len(args)/n, n, func(start, end int) error {
		query, chunk := q.insertRowsSQL("BulkSignupRewards", "rewards", bulkRewardCols, args[start*n:end*n], "")
		if _, err := q.exec(ctx, query, chunk...); err != nil {
			return fmt.Errorf("bulk signup rewards: %w", err)
		}
		return nil
	})
}

// creditedReferrals returns the referrals with a referrer's entry under
// ruleID already.
func (q *Queries) creditedReferrals(ctx context.Context, ruleID int64) (map[int64]bool, error) {
	credited := map[int64]bool{}
	err := queryEach(ctx, q, "credited referrals", `/* creditedReferrals */ SELECT referral_id FROM rewards
		WHERE rule_id = $1 AND side = 'referrer' AND entry = 'reward' AND referral_id IS NOT NULL`, func(r rowScanner) error {
		var id int64
		err := r.Scan(&id)
		credited[id] = true
		return err
	}, ruleID)
	return credited, err
}

// referralsAfter reads the next bulkRewardBatch referrals by id.
func (q *Queries) referralsAfter(ctx context.Context, after int64) ([]bulkReferral, error) {
	return queryList(ctx, q, "referrals to credit", `/* referralsAfter */ SELECT r.id, r.referrer_id, r.created_at,
		COALESCE(u.username, 'someone') FROM referrals r JOIN participants p ON p.id = r.referee_id
		LEFT JOIN users u ON u.id = p.user_id WHERE r.id > $1 ORDER BY r.id LIMIT $2`, func(r rowScanner) (bulkReferral, error) {
		var b bulkReferral
		err := r.Scan(&b.id, &b.referrerID, &b.createdAt, &b.referee)
		b.createdAt = b.createdAt.UTC()
		return b, err
	}, after, bulkRewardBatch)
}

// allHeads reads the head of every chain.
func (q *Queries) allHeads(ctx context.Context) (map[int64]chainHead, error) {
	return q.headsBetween(ctx, 0, 1<<62)
}

// reserveIDs returns the first of n ids of table that no row has and no
// insert will take (dialect.reserveIDs).
func (q *Queries) reserveIDs(ctx context.Context, table string, n int64) (int64, error) {
	query, args := q.d.reserveIDs(table, n)
	var first int64
	if err := q.queryRow(ctx, query, args...).Scan(&first); err != nil {
		return 0, fmt.Errorf("reserve %d %s ids: %w", n, table, err)
	}
	return first, nil
}
