package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// referLater records that referrerID referred a participant who joined
// earlier and was not referred (a friend who paid with the referrer's
// Stripe promotion code): the referral, scored under the fraud settings
// like any other, its webhook, the referrer's mail and its qualification.
// Rules triggered by steps the friend took before it (their signup) do not
// reward it. It returns 0, and refers nobody, when the referrer is banned.
// Call it inside InTx.
func (s *Service) referLater(ctx context.Context, q *storage.Queries, friendID, referrerID int64, now time.Time) (int64, error) {
	p, err := q.Participant(ctx, friendID)
	if err != nil {
		return 0, err
	}
	emails, err := q.EmailsOf(ctx, []int64{friendID})
	if err != nil {
		return 0, err
	}
	id, err := s.startReferral(ctx, q, p, referrerID, Attribution{}, riskInput{email: emails[friendID]}, now)
	if err != nil || id == 0 {
		return 0, err
	}
	s.active.Forget(referrerID)
	return id, s.settleReferral(ctx, q, id, now)
}
