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
// referral changes the key on any instance.
type pageKey struct {
	participantID int64
	count         int64
	page          int
}

// cachedPage is a page of referrals with the standing it was read at.
type cachedPage struct {
	stamp pageStamp
	rows  []referralhub.ReferredUser
}

// pageStamp is what moves when a listed referral's state or earnings do:
// a referral qualifying moves the qualified count, and a reward credited,
// approved, cancelled or taken back moves the balances. A page read at
// another stamp is read again, so the states it shows are current on any
// instance without a query of their own. (An admin rejecting a held
// referral that had earned nothing moves neither; that page shows the
// rejection when its entry expires, within 10 minutes.)
type pageStamp struct {
	qualified          int64
	available, pending int64
}

func stampOf(p referralhub.Participant, balances []referralhub.Balance) pageStamp {
	st := pageStamp{qualified: p.QualifiedCount}
	for _, b := range balances {
		st.available += b.Available
		st.pending += b.Pending
	}
	return st
}

// referralPage returns one page of the participant's referrals, newest
// first, from the cache when it holds that page at this count and stamp.
func (s *Service) referralPage(ctx context.Context, p referralhub.Participant, page int, stamp pageStamp) ([]referralhub.ReferredUser, error) {
	key := pageKey{participantID: p.ID, count: p.ReferralCount, page: page}
	now := s.now()
	if cached, ok := s.pages.Get(key, now); ok && cached.stamp == stamp {
		return cached.rows, nil
	}
	rows, err := s.db.Read().ReferredUsers(ctx, p.ID, ReferralsPerPage, (page-1)*ReferralsPerPage)
	if err != nil {
		return nil, err
	}
	s.pages.Put(key, cachedPage{stamp: stamp, rows: rows}, now)
	return rows, nil
}
