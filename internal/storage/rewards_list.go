package storage

import (
	"context"

	"github.com/referralhub/referralhub"
)

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
