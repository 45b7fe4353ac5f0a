package main

import (
	"context"

	"github.com/referralhub/referralhub/internal/web"
)

// readyChecks are the dependencies /readyz checks beside the database:
// Redis, when the rate limits live there. Its outage degrades the instance
// (rate limits fall back to per-instance counts) without making it unready.
func (a *app) readyChecks() []web.ReadyCheck {
	if a.redis == nil {
		return nil
	}
	return []web.ReadyCheck{{Name: "Redis", Degrades: true, Ping: func(ctx context.Context) error { return a.redis.Ping(ctx).Err() }}}
}
