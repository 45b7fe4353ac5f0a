package storage

import (
	"context"

	"github.com/referralhub/referralhub"
)

// WaitingTrialDays lists a participant's available trial_days rewards not
// yet asked for, oldest first: what a trial that starts can be extended by.
func (q *Queries) WaitingTrialDays(ctx context.Context, participantID int64) ([]referralhub.Reward, error) {
	return q.rewards(ctx, `/* WaitingTrialDays */ SELECT `+rewardColumns+` FROM rewards
		WHERE participant_id = $1 AND kind = 'trial_days' AND status = 'approved' AND entry = 'reward'
		AND redeem_asked_at IS NULL ORDER BY id`, participantID)
}
