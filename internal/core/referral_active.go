package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// activeNetwork returns how many of a participant's referrals were seen
// within the activity window. The figure is fuzzy by nature (activity is
// written at most hourly) and costs a scan of the participant's referrals,
// so it is cached for ActiveCacheTTL, and made once when many requests miss
// it at the same time. A new referral forgets the referrer's entry on this
// instance; other instances catch up within the TTL.
func (s *Service) activeNetwork(ctx context.Context, participantID int64) (int64, error) {
	now := s.now()
	return s.active.Load(participantID, now, func() (int64, error) {
		return s.db.Read().ActiveReferrals(ctx, participantID, now.Add(-s.settings.ActiveWindow))
	})
}

// pageKey names one page of a participant's referral list as it was when
// they had count referrals. Referrals are only ever added, so a new
// referral changes the key, and a cached page can never be stale, on any
// instance.
type pageKey struct {
	participantID int64
	count         int64
	page          int
}

// referralPage returns one page of the participant's referrals, newest
// first, from the cache when it holds that page at this count.
func (s *Service) referralPage(ctx context.Context, p referralhub.Participant, page int) ([]referralhub.ReferredUser, error) {
	key := pageKey{participantID: p.ID, count: p.ReferralCount, page: page}
	now := s.now()
	if rows, ok := s.pages.Get(key, now); ok {
		return rows, nil
	}
	rows, err := s.db.Read().ReferredUsers(ctx, p.ID, ReferralsPerPage, (page-1)*ReferralsPerPage)
	if err != nil {
		return nil, err
	}
	s.pages.Put(key, rows, now)
	return rows, nil
}
