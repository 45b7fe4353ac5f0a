// rewards: the ledger. Entries are appended and move through their states; amounts never change.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// InsertReward appends a ledger entry and sets its ID. inserted is false,
// and nothing changes, when the entry already exists: the same (rule,
// referral, side, entry) or the same idempotency key. That is what makes a
// reward impossible to credit twice, even from concurrent transactions.
func (q *Queries) InsertReward(ctx context.Context, r *referralhub.Reward, idempotencyKey string) (inserted bool, err error) {
	err = q.queryRow(ctx, `/* InsertReward */ INSERT INTO rewards (participant_id, side, entry, rule_id, referral_id, event_id,
		reverses_id, idempotency_key, kind, amount, currency, percent_off, status, reason, hold_until, credited_at, approved_at,
		redeem_asked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT DO NOTHING RETURNING id`,
		r.ParticipantID, r.Side, r.Entry, nullID(r.RuleID), nullID(r.ReferralID), nullID(r.EventID), nullID(r.ReversesID),
		sql.NullString{String: idempotencyKey, Valid: idempotencyKey != ""}, r.Kind, r.Amount, r.Currency, r.PercentOff,
		r.Status, r.Reason, q.nullTime(r.HoldUntil), q.ts(r.CreditedAt), q.nullTime(r.ApprovedAt), q.nullTime(r.RedeemAskedAt)).Scan(&r.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert reward: %w", err)
	}
	if err := q.chainReward(ctx, r.ID); err != nil {
		return false, err
	}
	switch {
	case r.Status == referralhub.StatusPending:
		err = q.addBalance(ctx, r.ParticipantID, r.Kind, r.Currency, 0, r.Amount)
	case (r.Status == referralhub.StatusApproved || r.Status == referralhub.StatusReversed) && r.RedeemAskedAt.IsZero():
		err = q.addBalance(ctx, r.ParticipantID, r.Kind, r.Currency, r.Amount, 0)
	default: // a row for every kind held, as the ledger sums have
		err = q.addBalance(ctx, r.ParticipantID, r.Kind, r.Currency, 0, 0)
	}
	return true, err
}

// RuleUsage counts the rewards a rule gave a participant on one side since
// since, and their total amount, leaving out withdrawn ones: what caps
// compare against.
func (q *Queries) RuleUsage(ctx context.Context, ruleID, participantID int64, side string, since time.Time) (count, total int64, err error) {
	err = q.queryRow(ctx, `/* RuleUsage */ SELECT count(*), COALESCE(SUM(amount), 0) FROM rewards
		WHERE participant_id = $1 AND rule_id = $2 AND side = $3 AND entry = 'reward'
		AND status NOT IN ('cancelled', 'reversed') AND credited_at >= $4`,
		participantID, ruleID, side, q.ts(since)).Scan(&count, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("rule usage: %w", err)
	}
	return count, total, nil
}

// moveStatus is setStatus for a change that moves the running balance:
// query must end in RETURNING participant_id, kind, currency, amount, and
// the amount moves by availableSign and pendingSign (each -1, 0 or 1).
// Call it inside InTx.
func (q *Queries) moveStatus(ctx context.Context, name string, availableSign, pendingSign int64, query string, args ...any) (bool, error) {
	var (
		pid            int64
		kind, currency string
		amount         int64
	)
	err := q.queryRow(ctx, "/* "+name+" */ "+query, args...).Scan(&pid, &kind, &currency, &amount)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: %w", name, err)
	}
	return true, q.addBalance(ctx, pid, kind, currency, availableSign*amount, pendingSign*amount)
}

// ApproveReward makes a pending reward available once its hold has ended
// at now. It reports false when the reward is not pending or still on hold.
// Call it inside InTx.
func (q *Queries) ApproveReward(ctx context.Context, id int64, now time.Time) (bool, error) {
	ok, err := q.moveStatus(ctx, "ApproveReward", 1, -1, `UPDATE rewards SET status = 'approved', approved_at = $2
		WHERE id = $1 AND status = 'pending' AND hold_until <= $2
		RETURNING participant_id, kind, currency, amount`, id, q.ts(now))
	return q.chained(ctx, id, "approved", ok, err)
}

// AskRedeem records that a participant asked to redeem an available entry
// of theirs, which leaves their available balance. A second ask (a double
// submit) reports false. Call it inside InTx.
func (q *Queries) AskRedeem(ctx context.Context, id, participantID int64, now time.Time) (bool, error) {
	ok, err := q.moveStatus(ctx, "AskRedeem", -1, 0, `UPDATE rewards SET redeem_asked_at = $3
		WHERE id = $1 AND participant_id = $2 AND status = 'approved' AND entry <> 'clawback' AND amount >= 0
		AND redeem_asked_at IS NULL RETURNING participant_id, kind, currency, amount`, id, participantID, q.ts(now))
	return q.chained(ctx, id, "redeem_asked", ok, err)
}

// MarkRedeemed records that a coupon was issued (or trial days granted) for
// an entry, with its promotion code and the outside object's id.
func (q *Queries) MarkRedeemed(ctx context.Context, id int64, now time.Time, promoCode, externalID string) (bool, error) {
	ok, err := q.setStatus(ctx, "MarkRedeemed", `UPDATE rewards SET status = 'redeemed', redeemed_at = $2, promo_code = $3, external_id = $4
		WHERE id = $1 AND status = 'approved'`, id, q.ts(now), promoCode, externalID)
	return q.chained(ctx, id, "redeemed", ok, err)
}

// MarkFulfilled records that an entry was paid out elsewhere (a Stripe
// customer balance credit).
func (q *Queries) MarkFulfilled(ctx context.Context, id int64, now time.Time, externalID string) (bool, error) {
	ok, err := q.setStatus(ctx, "MarkFulfilled", `UPDATE rewards SET status = 'fulfilled', fulfilled_at = $2, external_id = $3
		WHERE id = $1 AND status = 'approved'`, id, q.ts(now), externalID)
	return q.chained(ctx, id, "fulfilled", ok, err)
}

// CancelReward withdraws a pending reward. Call it inside InTx.
func (q *Queries) CancelReward(ctx context.Context, id int64, now time.Time) (bool, error) {
	ok, err := q.moveStatus(ctx, "CancelReward", 0, -1, `UPDATE rewards SET status = 'cancelled', cancelled_at = $2
		WHERE id = $1 AND status = 'pending' RETURNING participant_id, kind, currency, amount`, id, q.ts(now))
	return q.chained(ctx, id, "cancelled", ok, err)
}

// ReverseReward marks an available or paid-out reward reversed; the caller
// appends the clawback entry. One already paid out is flagged for the
// admin. One asked for but not yet paid comes back into the balance, where
// its clawback cancels it. Call it inside InTx.
func (q *Queries) ReverseReward(ctx context.Context, id int64, now time.Time) (bool, error) {
	var (
		pid            int64
		kind, currency string
		back           int64
	)
	err := q.queryRow(ctx, `/* ReverseReward */ UPDATE rewards SET status = 'reversed', reversed_at = $2,
		needs_review = (status IN ('redeemed', 'fulfilled'))
		WHERE id = $1 AND status IN ('approved', 'redeemed', 'fulfilled')
		RETURNING participant_id, kind, currency,
			CASE WHEN redeem_asked_at IS NOT NULL AND NOT needs_review THEN amount ELSE 0 END`,
		id, q.ts(now)).Scan(&pid, &kind, &currency, &back)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reverse reward: %w", err)
	}
	if err := q.recordChange(ctx, id, "reversed"); err != nil {
		return false, err
	}
	return true, q.addBalance(ctx, pid, kind, currency, back, 0)
}

// RecordLatePayout keeps what Stripe returned for a reward that was
// reversed while the payout was in flight: the money went out, so the
// entry leaves the balance (its clawback now shows what is owed) and is
// flagged for the admin. Call it inside InTx.
func (q *Queries) RecordLatePayout(ctx context.Context, id int64, promoCode, externalID string) (bool, error) {
	ok, err := q.moveStatus(ctx, "RecordLatePayout", -1, 0, `UPDATE rewards SET promo_code = $2, external_id = $3, needs_review = TRUE
		WHERE id = $1 AND status = 'reversed' AND NOT needs_review RETURNING participant_id, kind, currency, amount`,
		id, promoCode, externalID)
	return q.chained(ctx, id, "late_payout", ok, err)
}

// SetRewardReason rewrites a ledger entry's reason: the one change the
// append-only ledger allows, so that a deleted account is not named.
func (q *Queries) SetRewardReason(ctx context.Context, id int64, reason string) error {
	if _, err := q.exec(ctx, `/* SetRewardReason */ UPDATE rewards SET reason = $2 WHERE id = $1`, id, reason); err != nil {
		return fmt.Errorf("set reward reason: %w", err)
	}
	return nil
}

// chained passes on a status change's outcome (ok, err), first appending
// the change to the entry's chain when it happened.
func (q *Queries) chained(ctx context.Context, id int64, change string, ok bool, err error) (bool, error) {
	if !ok || err != nil {
		return ok, err
	}
	return true, q.recordChange(ctx, id, change)
}
