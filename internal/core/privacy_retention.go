package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// PruneIdempotency deletes every idempotency record older than
// referralhub.IdempotencyLifetime, in batches, and returns how many went.
// The API prunes a few as new requests come; run this hourly too, so kept
// responses (which can hold a participant's email and name) never outlive
// their day when the API is quiet.
func (s *Service) PruneIdempotency(ctx context.Context) (int64, error) {
	var total int64
	cutoff := s.now().Add(-referralhub.IdempotencyLifetime)
	for {
		n, err := s.db.Write().DeleteIdempotencyBefore(ctx, cutoff, 1000)
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}
