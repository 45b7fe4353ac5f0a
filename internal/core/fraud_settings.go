package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
)

// SaveFraud validates and saves the program's fraud settings, as a new
// program version recorded in the audit log.
func (s *Service) SaveFraud(ctx context.Context, admin referralhub.User, f referralhub.FraudSettings) error {
	if err := ValidateFraud(f); err != nil {
		return err
	}
	prog, err := s.loadProgram(ctx, s.db.Read())
	if err != nil {
		return err
	}
	prog.Fraud = &f
	_, err = s.SaveProgram(ctx, admin, prog, "Changed the fraud settings.")
	return err
}

// ValidateFraud checks fraud settings. Field errors are named after the
// settings: review_threshold, block_threshold, device_window, max_per_*,
// fast_signup.
func ValidateFraud(f referralhub.FraudSettings) error {
	fe := referralhub.FieldErrors{}
	if f.ReviewThreshold < 1 || f.ReviewThreshold > maxScore+1 {
		fe.Add("review_threshold", "The review threshold is from 1 to 101 (101: never review).")
	}
	if f.BlockThreshold < f.ReviewThreshold || f.BlockThreshold > maxScore+1 {
		fe.Add("block_threshold", "The block threshold is at least the review threshold and at most 101 (101: never block).")
	}
	if f.DeviceWindow < time.Minute || f.DeviceWindow > 90*24*time.Hour {
		fe.Add("device_window", "The device window is from 1 minute to 90 days.")
	}
	for name, n := range map[string]int{"max_per_referrer_hour": f.MaxPerReferrerHour, "max_per_referrer_day": f.MaxPerReferrerDay,
		"max_per_ip_day": f.MaxPerIPDay, "max_per_subnet_day": f.MaxPerSubnetDay} {
		if n < 0 || n > 1_000_000 {
			fe.Add(name, "Give a number from 0 (no limit) to 1,000,000.")
		}
	}
	if f.FastSignup < 0 || f.FastSignup > time.Hour {
		fe.Add("fast_signup", "The fast-signup window is from 0 (off) to 1 hour.")
	}
	return fe.Err()
}
