package web

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Database is what /readyz asks of the database: that it answers, and
// which migrations this program has that it lacks. *storage.DB is one.
type Database interface {
	Ping(ctx context.Context) error
	PendingMigrations(ctx context.Context) ([]string, error)
}

// ReadyCheck is a dependency beside the database that /readyz checks, such
// as Redis. cmd passes one per configured dependency in Config.ReadyChecks.
type ReadyCheck struct {
	Name string                      // named in the answer: "NAME unreachable"
	Ping func(context.Context) error // called with a short timeout on every /readyz
	// Degrades marks a dependency the instance can serve without (Redis:
	// rate limits fall back to per-instance counts): its failure is
	// reported, but /readyz still answers 200, so an outage of it does not
	// take every instance out of the load balancer at once.
	Degrades bool
}

// Limits that keep /readyz cheap when a load balancer polls it every few
// seconds.
const (
	readyPingTimeout = time.Second     // per dependency
	schemaCheckTTL   = 5 * time.Second // how long a schema check's answer is reused
)

// schemaCheck remembers the last answer of PendingMigrations for
// schemaCheckTTL. Its zero value is ready to use.
type schemaCheck struct {
	mu      sync.Mutex
	at      time.Time
	pending int
	err     error
}

// readyProblems lists, one short line each, what keeps the instance from
// serving (the database, its schema, or a dependency it needs) and what
// only degrades it. It logs the causes.
func (s *Server) readyProblems(ctx context.Context) (problems, degraded []string) {
	if err := s.db.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready: database", "err", err)
		problems = append(problems, "database unreachable")
	} else if p := s.schemaProblem(ctx); p != "" {
		problems = append(problems, p)
	}
	for _, c := range s.cfg.ReadyChecks {
		pctx, cancel := context.WithTimeout(ctx, readyPingTimeout)
		err := c.Ping(pctx)
		cancel()
		switch {
		case err == nil:
		case c.Degrades:
			s.log.WarnContext(ctx, "degraded: "+c.Name, "err", err)
			degraded = append(degraded, c.Name+" unreachable")
		default:
			s.log.WarnContext(ctx, "not ready: "+c.Name, "err", err)
			problems = append(problems, c.Name+" unreachable")
		}
	}
	return problems, degraded
}

// schemaProblem reports a stale schema (migrations this program has that
// the database lacks), checking at most once per schemaCheckTTL.
func (s *Server) schemaProblem(ctx context.Context) string {
	c := &s.schema
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() || time.Since(c.at) > schemaCheckTTL {
		// Not on the probe's own context: a probe given up on must not
		// leave a failure behind for the next one. Only answers are kept.
		qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		pending, err := s.db.PendingMigrations(qctx)
		cancel()
		c.at, c.pending, c.err = time.Now(), len(pending), err
		if err != nil {
			c.at = time.Time{}
		}
	}
	switch {
	case c.err != nil:
		s.log.WarnContext(ctx, "not ready: schema check", "err", c.err)
		return "database schema unknown"
	case c.pending > 0:
		return fmt.Sprintf("database schema out of date: %d pending migrations (run \"referralhub migrate\")", c.pending)
	}
	return ""
}
