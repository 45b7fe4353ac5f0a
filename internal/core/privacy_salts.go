package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// saltsKept is how long IP salts are kept: the longest look-back of any
// check (the device window is at most 90 days), plus a day.
const saltsKept = 91 * 24 * time.Hour

// EnsureIPSalts makes the IP salts of the current and the next period, so
// that hashing (on the click path, inside transactions) only ever reads.
// Run it at start and hourly.
func (s *Service) EnsureIPSalts(ctx context.Context) error { return s.ips.Ensure(ctx, s.now()) }

// ForgetOldIPData deletes what can no longer serve a check: IP salts older
// than saltsKept (which makes every hash made with them unlinkable), IP
// sightings of that age, device sightings older than a year, and the
// signup IP hashes of referrals older than the velocity windows. Run it
// hourly.
func (s *Service) ForgetOldIPData(ctx context.Context) error {
	now := s.now()
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		if _, err := q.DeleteIPSaltsBefore(ctx, s.ips.Epoch(now.Add(-saltsKept))); err != nil {
			return err
		}
		if err := q.DeleteSightingsBefore(ctx, referralhub.SightIP, now.Add(-saltsKept)); err != nil {
			return err
		}
		if err := q.DeleteSightingsBefore(ctx, referralhub.SightIPUA, now.Add(-saltsKept)); err != nil {
			return err
		}
		if err := q.DeleteSightingsBefore(ctx, referralhub.SightDevice, now.Add(-deviceSightingLifetime)); err != nil {
			return err
		}
		return q.ForgetReferralIPs(ctx, now.Add(-2*24*time.Hour))
	})
}
