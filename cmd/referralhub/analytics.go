package main

import (
	"context"
	"time"

	"github.com/referralhub/referralhub/internal/core"
)

// queueAnalyticsRefreshes queues an analytics refresh at once and then
// every core.AnalyticsRefreshEvery until ctx ends. The worker runs it;
// with several instances, each slot is queued and run once.
func (a *app) queueAnalyticsRefreshes(ctx context.Context) {
	t := time.NewTicker(core.AnalyticsRefreshEvery)
	defer t.Stop()
	for {
		if err := a.svc.QueueAnalyticsRefresh(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("queue analytics refresh", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
