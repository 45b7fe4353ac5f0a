// rewards: reading ledger entries (one, or lists by participant, event, referral or state) and counts.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

const rewardColumns = `id, participant_id, side, entry, COALESCE(rule_id, 0), COALESCE(referral_id, 0), COALESCE(event_id, 0),
	COALESCE(reverses_id, 0), kind, amount, currency, percent_off, status, reason, promo_code, external_id, needs_review,
	hold_until, credited_at, approved_at, redeem_asked_at, redeemed_at, fulfilled_at, reversed_at, cancelled_at`

func scanReward(row rowScanner) (referralhub.Reward, error) {
	var (
		r                                                      referralhub.Reward
		hold, approved, asked, redeemed, fulfilled, rev, cncld sql.NullTime
	)
	err := row.Scan(&r.ID, &r.ParticipantID, &r.Side, &r.Entry, &r.RuleID, &r.ReferralID, &r.EventID, &r.ReversesID,
		&r.Kind, &r.Amount, &r.Currency, &r.PercentOff, &r.Status, &r.Reason, &r.PromoCode, &r.ExternalID, &r.NeedsReview,
		&hold, &r.CreditedAt, &approved, &asked, &redeemed, &fulfilled, &rev, &cncld)
	r.CreditedAt = r.CreditedAt.UTC()
	r.HoldUntil, r.ApprovedAt, r.RedeemAskedAt = utc(hold), utc(approved), utc(asked)
	r.RedeemedAt, r.FulfilledAt, r.ReversedAt, r.CancelledAt = utc(redeemed), utc(fulfilled), utc(rev), utc(cncld)
	return r, err
}

func (q *Queries) rewards(ctx context.Context, query string, args ...any) ([]referralhub.Reward, error) {
	return queryList(ctx, q, "list rewards", query, scanReward, args...)
}

// Reward returns one ledger entry, or ENOTFOUND.
func (q *Queries) Reward(ctx context.Context, id int64) (referralhub.Reward, error) {
	r, err := scanReward(q.queryRow(ctx, `/* Reward */ SELECT `+rewardColumns+` FROM rewards WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, referralhub.Errorf(referralhub.ENOTFOUND, "That reward does not exist.")
	}
	if err != nil {
		return r, fmt.Errorf("reward: %w", err)
	}
	return r, nil
}

// ParticipantRewards lists a participant's ledger entries, newest first.
func (q *Queries) ParticipantRewards(ctx context.Context, participantID int64, limit int) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* ParticipantRewards */ SELECT `+rewardColumns+` FROM rewards
		WHERE participant_id = $1 ORDER BY credited_at DESC, id DESC LIMIT $2`, participantID, limit)
}

// ParticipantRewardsBefore lists up to limit of a participant's ledger
// entries older than the one credited at beforeAt with id beforeID, newest
// first, as ParticipantRewards orders them: a page of the history that
// entries credited meanwhile cannot shift.
func (q *Queries) ParticipantRewardsBefore(ctx context.Context, participantID int64, beforeAt time.Time, beforeID int64, limit int) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* ParticipantRewardsBefore */ SELECT `+rewardColumns+` FROM rewards
		WHERE participant_id = $1 AND (credited_at < $2 OR credited_at = $2 AND id < $3)
		ORDER BY credited_at DESC, id DESC LIMIT $4`, participantID, q.ts(beforeAt), beforeID, limit)
}

// RewardsAfter lists up to limit of a participant's ledger entries with
// ids above afterID, by id.
func (q *Queries) RewardsAfter(ctx context.Context, participantID, afterID int64, limit int) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* RewardsAfter */ SELECT `+rewardColumns+` FROM rewards
		WHERE participant_id = $1 AND id > $2 ORDER BY id LIMIT $3`, participantID, afterID, limit)
}

// EventRewards lists the rewards an event earned (not their clawbacks),
// locking them until the transaction ends, so a refund and a hold release
// cannot interleave on PostgreSQL.
func (q *Queries) EventRewards(ctx context.Context, eventID int64) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* EventRewards */ SELECT `+rewardColumns+` FROM rewards
		WHERE event_id = $1 AND entry = 'reward' ORDER BY id`+q.d.forUpdate(), eventID)
}

// RewardsOfEvent lists every ledger entry an event caused (rewards it
// earned, and clawbacks of a refund), by id, without locking them.
func (q *Queries) RewardsOfEvent(ctx context.Context, eventID int64) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* RewardsOfEvent */ SELECT `+rewardColumns+` FROM rewards WHERE event_id = $1 ORDER BY id`, eventID)
}

// PendingRewards lists the pending ledger entries of a referral, or of a
// participant when referralID is 0.
func (q *Queries) PendingRewards(ctx context.Context, referralID, participantID int64) ([]referralhub.Reward, error) {
	if referralID != 0 {
		return q.rewards(ctx, `/* PendingRewards */ SELECT `+rewardColumns+` FROM rewards
			WHERE referral_id = $1 AND status = 'pending' ORDER BY id`+q.d.forUpdate(), referralID)
	}
	return q.rewards(ctx, `/* PendingRewards */ SELECT `+rewardColumns+` FROM rewards
		WHERE participant_id = $1 AND status = 'pending' ORDER BY id`+q.d.forUpdate(), participantID)
}

// ReferralRewards lists a referral's earned entries (not clawbacks),
// locked until the transaction ends.
func (q *Queries) ReferralRewards(ctx context.Context, referralID int64) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* ReferralRewards */ SELECT `+rewardColumns+` FROM rewards
		WHERE referral_id = $1 AND entry = 'reward' ORDER BY id`+q.d.forUpdate(), referralID)
}

// RewardsToReview lists reversed rewards that had already been paid out.
func (q *Queries) RewardsToReview(ctx context.Context, limit int) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* RewardsToReview */ SELECT `+rewardColumns+` FROM rewards
		WHERE needs_review ORDER BY reversed_at DESC, id DESC LIMIT $1`, limit)
}

// RewardCounts counts earned ledger entries (not clawbacks or redemptions)
// by status and kind, from the program counts (see ProgramCounts).
func (q *Queries) RewardCounts(ctx context.Context) ([]referralhub.RewardCount, error) {
	counts, err := q.ProgramCounts(ctx)
	if err != nil {
		return nil, err
	}
	return rewardCounts(counts), nil
}

// RewardReason is a ledger entry's id and its reason in words.
type RewardReason struct {
	ID     int64
	Reason string
}

// ReasonsAbout lists the ledger entries of other participants that came
// from a referral participantID took part in, referrer or referee: the
// entries whose reasons may name them ("bob signed up", "You signed up
// through bob's link").
func (q *Queries) ReasonsAbout(ctx context.Context, participantID int64) ([]RewardReason, error) {
	return queryList(ctx, q, "reasons about", `/* ReasonsAbout */ SELECT w.id, w.reason FROM rewards w
		JOIN referrals r ON r.id = w.referral_id
		WHERE (r.referee_id = $1 OR r.referrer_id = $1) AND w.participant_id <> $1 ORDER BY w.id`, func(row rowScanner) (RewardReason, error) {
		var r RewardReason
		err := row.Scan(&r.ID, &r.Reason)
		return r, err
	}, participantID)
}
