package storage

import (
	"context"

	"github.com/referralhub/referralhub"
)

// attachEarnings fills each referral's Earned with the referrer's ledger
// entries for it, in one query. The entries are read through the
// referrer's (participant_id, credited_at) index from the page's oldest
// referral on (nothing is credited for a referral before it exists), so
// the newest page reads only the newest entries.
func (q *Queries) attachEarnings(ctx context.Context, referrerID int64, list []referralhub.ReferredUser) error {
	byID := make(map[int64]*referralhub.ReferredUser, len(list))
	args := make([]any, 0, len(list)+2)
	args = append(args, referrerID, q.ts(list[len(list)-1].JoinedAt))
	in := make([]byte, 0, len(list)*5)
	for i := range list {
		byID[list[i].ReferralID] = &list[i]
		if i > 0 {
			in = append(in, ", "...)
		}
		args = append(args, list[i].ReferralID)
		in = q.d.appendParam(in, len(args))
	}
	entries, err := q.rewards(ctx, `/* ReferralEarnings */ SELECT `+rewardColumns+` FROM rewards
		WHERE participant_id = $1 AND credited_at >= $2 AND side = 'referrer' AND entry IN ('reward', 'clawback')
		AND referral_id IN (`+string(in)+`) ORDER BY credited_at, id`, args...)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if ru := byID[e.ReferralID]; ru != nil {
			ru.Earned = append(ru.Earned, e)
		}
	}
	return nil
}
