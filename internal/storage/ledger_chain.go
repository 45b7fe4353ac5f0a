// ledger_heads and the chain columns of rewards and reward_changes:
// appending entries and changes to their beneficiary's hash chain.

package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// chainColumns read a rewards row as the chain sees it: what its hash
// covers, its stored hash, then its current state.
const chainColumns = `id, participant_id, side, entry, COALESCE(rule_id, 0), COALESCE(referral_id, 0), COALESCE(event_id, 0),
	COALESCE(reverses_id, 0), COALESCE(idempotency_key, ''), kind, amount, currency, percent_off, hold_until, credited_at,
	COALESCE(opening_state, ''), COALESCE(chain_seq, 0), COALESCE(prev_hash, ''), COALESCE(hash, ''),
	status, approved_at, redeem_asked_at, redeemed_at, fulfilled_at, reversed_at, cancelled_at, promo_code, external_id, needs_review`

// chainRow is a rewards row read with chainColumns.
type chainRow struct {
	entry chainEntry
	hash  string      // as stored; "" when the row was never chained
	state ledgerState // its current state
}

func scanChainRow(r rowScanner) (chainRow, error) {
	var (
		c                                                  chainRow
		e                                                  = &c.entry
		hold                                               sql.NullTime
		appr, asked, redeemed, fulfilled, reversed, cancel sql.NullTime
	)
	err := r.Scan(&e.ID, &e.ParticipantID, &e.Side, &e.Entry, &e.RuleID, &e.ReferralID, &e.EventID, &e.ReversesID,
		&e.IdempotencyKey, &e.Kind, &e.Amount, &e.Currency, &e.PercentOff, &hold, &e.CreditedAt, &e.Opening, &e.Seq,
		&e.Prev, &c.hash, &c.state.Status, &appr, &asked, &redeemed, &fulfilled, &reversed, &cancel,
		&c.state.PromoCode, &c.state.ExternalID, &c.state.NeedsReview)
	e.HoldUntil = utc(hold)
	s := &c.state
	s.ApprovedAt, s.RedeemAskedAt, s.RedeemedAt = chainTime(utc(appr)), chainTime(utc(asked)), chainTime(utc(redeemed))
	s.FulfilledAt, s.ReversedAt, s.CancelledAt = chainTime(utc(fulfilled)), chainTime(utc(reversed)), chainTime(utc(cancel))
	return c, err
}

// chainHead is the end of a beneficiary's chain: its last record's place
// and hash (0 and "" for an empty chain).
type chainHead struct {
	seq  int64
	hash string
}

// lockHead returns the head of a beneficiary's chain, making an empty one
// the first time, locked until the transaction ends: on PostgreSQL the
// upsert takes the row's lock, so appends to one chain queue here; SQLite
// has one writer.
func (q *Queries) lockHead(ctx context.Context, participantID int64) (chainHead, error) {
	var h chainHead
	err := q.queryRow(ctx, `/* lockHead */ INSERT INTO ledger_heads (participant_id, seq, hash) VALUES ($1, 0, '')
		ON CONFLICT (participant_id) DO UPDATE SET seq = ledger_heads.seq RETURNING seq, hash`, participantID).Scan(&h.seq, &h.hash)
	if err != nil {
		return h, fmt.Errorf("lock ledger head: %w", err)
	}
	return h, nil
}

func (q *Queries) moveHead(ctx context.Context, participantID int64, h chainHead) error {
	_, err := q.exec(ctx, `/* moveHead */ UPDATE ledger_heads SET seq = $2, hash = $3 WHERE participant_id = $1`,
		participantID, h.seq, h.hash)
	if err != nil {
		return fmt.Errorf("move ledger head: %w", err)
	}
	return nil
}

// chainReward appends the entry just inserted to its beneficiary's chain,
// hashing it as stored. Call it inside InTx, in the insert's transaction.
func (q *Queries) chainReward(ctx context.Context, id int64) error {
	row, err := scanChainRow(q.queryRow(ctx, `/* chainReward */ SELECT `+chainColumns+` FROM rewards WHERE id = $1`, id))
	if err != nil {
		return fmt.Errorf("chain reward: %w", err)
	}
	head, err := q.lockHead(ctx, row.entry.ParticipantID)
	if err != nil {
		return err
	}
	e := row.entry
	e.Opening, e.Seq, e.Prev = row.state.encode(), head.seq+1, head.hash
	next := chainHead{seq: e.Seq, hash: e.hash()}
	_, err = q.exec(ctx, `/* chainReward.set */ UPDATE rewards SET chain_seq = $2, opening_state = $3, prev_hash = $4, hash = $5
		WHERE id = $1`, id, e.Seq, e.Opening, e.Prev, next.hash)
	if err != nil {
		return fmt.Errorf("chain reward: %w", err)
	}
	return q.moveHead(ctx, e.ParticipantID, next)
}

// recordChange appends a change of an entry's state to its beneficiary's
// chain, with the state the change left. Call it inside InTx, in the
// change's transaction.
func (q *Queries) recordChange(ctx context.Context, rewardID int64, change string) error {
	row, err := scanChainRow(q.queryRow(ctx, `/* recordChange */ SELECT `+chainColumns+` FROM rewards WHERE id = $1`, rewardID))
	if err != nil {
		return fmt.Errorf("record reward change: %w", err)
	}
	pid := row.entry.ParticipantID
	head, err := q.lockHead(ctx, pid)
	if err != nil {
		return err
	}
	c := chainChange{ParticipantID: pid, Seq: head.seq + 1, RewardID: rewardID, Change: change,
		State: row.state.encode(), Prev: head.hash}
	next := chainHead{seq: c.Seq, hash: c.hash()}
	_, err = q.exec(ctx, `/* recordChange.insert */ INSERT INTO reward_changes (participant_id, chain_seq, reward_id, change, state, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, pid, c.Seq, rewardID, change, c.State, c.Prev, next.hash)
	if err != nil {
		return fmt.Errorf("record reward change: %w", err)
	}
	return q.moveHead(ctx, pid, next)
}
