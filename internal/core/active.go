package core

import (
	"context"
	"sync"
	"time"
)

// activeCache remembers each participant's active-network count for a short
// while. The figure is fuzzy by nature (activity is written at most hourly)
// and costs a scan of the participant's referrals, so the dashboard, a hot
// path, reads it from here. A new referral forgets the referrer's entry on
// this instance; other instances catch up within the TTL.
type activeCache struct {
	ttl      time.Duration
	maxItems int

	mu    sync.Mutex
	items map[int64]activeEntry
}

type activeEntry struct {
	n       int64
	expires time.Time
}

func newActiveCache(ttl time.Duration, maxItems int) *activeCache {
	return &activeCache{ttl: ttl, maxItems: maxItems, items: map[int64]activeEntry{}}
}

func (c *activeCache) get(id int64, now time.Time) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[id]
	return e.n, ok && now.Before(e.expires)
}

func (c *activeCache) put(id, n int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.maxItems {
		clear(c.items) // rare; entries are cheap to recompute
	}
	c.items[id] = activeEntry{n: n, expires: now.Add(c.ttl)}
}

func (c *activeCache) forget(id int64) {
	c.mu.Lock()
	delete(c.items, id)
	c.mu.Unlock()
}

// activeNetwork returns how many of p's referrals were seen within the
// activity window.
func (s *Service) activeNetwork(ctx context.Context, participantID int64) (int64, error) {
	now := s.now()
	if n, ok := s.active.get(participantID, now); ok {
		return n, nil
	}
	n, err := s.db.Read().ActiveReferrals(ctx, participantID, now.Add(-s.settings.ActiveWindow))
	if err != nil {
		return 0, err
	}
	s.active.put(participantID, n, now)
	return n, nil
}
