package core

import (
	"context"

	"github.com/referralhub/referralhub/internal/storage"
)

// strandedBatch bounds the stranded deliveries one upkeep run requeues.
const strandedBatch = 500

// RequeueStrandedWebhooks queues a job for each pending delivery that has
// none, and returns how many. Every pending delivery is queued with its
// job, but an older version could lose the job (its dedupe key collided
// with the finished job of a deleted delivery whose id SQLite gave out
// again), and such a delivery was never sent and held back its
// participant's later ones. The hourly upkeep runs it.
func (s *Service) RequeueStrandedWebhooks(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		stranded, err := q.StrandedWebhookDeliveries(ctx, strandedBatch)
		if err != nil {
			return err
		}
		now := s.now()
		for _, d := range stranded {
			if err := s.enqueueDelivery(ctx, q, d, now); err != nil {
				return err
			}
		}
		n = int64(len(stranded))
		return nil
	})
	if err == nil && n > 0 {
		s.jobsQueued()
	}
	return n, err
}
