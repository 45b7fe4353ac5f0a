package web

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// ReadyCheck is a dependency beside the database that /readyz checks, such
// as Redis. cmd passes one per configured dependency in Config.ReadyChecks.
type ReadyCheck struct {
	Name string                      // named in the 503 answer: "NAME unreachable"
	Ping func(context.Context) error // called with a short timeout on every /readyz
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
// serving: the database, its schema, or a dependency. It logs the causes.
func (s *Server) readyProblems(ctx context.Context) []string {
	var problems []string
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
		if err != nil {
			s.log.WarnContext(ctx, "not ready: "+c.Name, "err", err)
			problems = append(problems, c.Name+" unreachable")
		}
	}
	return problems
}

// schemaProblem reports a stale schema (migrations this program has that
// the database lacks), checking at most once per schemaCheckTTL.
func (s *Server) schemaProblem(ctx context.Context) string {
	c := &s.schema
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() || time.Since(c.at) > schemaCheckTTL {
		pending, err := s.db.PendingMigrations(ctx)
		c.at, c.pending, c.err = time.Now(), len(pending), err
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
