// Package cache is a small bounded, expiring map for values that are cheap
// to recompute but worth not recomputing on a hot path.
package cache

import (
	"sync"
	"time"
)

// Cache maps keys to values for a fixed time. When full it empties itself:
// entries are cheap to recompute, and that keeps it simple and bounded.
// It is safe for concurrent use.
type Cache[K comparable, V any] struct {
	ttl      time.Duration // 0 means entries do not expire
	maxItems int

	mu    sync.Mutex
	items map[K]entry[V]
}

type entry[V any] struct {
	value   V
	expires time.Time
}

// New returns a cache holding at most maxItems entries for ttl each.
func New[K comparable, V any](ttl time.Duration, maxItems int) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, maxItems: maxItems, items: make(map[K]entry[V])}
}

// Get returns the value for k if it is there and fresh at now.
func (c *Cache[K, V]) Get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	e, ok := c.items[k]
	c.mu.Unlock()
	if !ok || (c.ttl > 0 && !now.Before(e.expires)) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Put stores v for k as of now.
func (c *Cache[K, V]) Put(k K, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.items) >= c.maxItems {
		clear(c.items)
	}
	c.items[k] = entry[V]{value: v, expires: now.Add(c.ttl)}
}

// Forget removes k.
func (c *Cache[K, V]) Forget(k K) {
	c.mu.Lock()
	delete(c.items, k)
	c.mu.Unlock()
}

// Clear removes every entry.
func (c *Cache[K, V]) Clear() {
	c.mu.Lock()
	clear(c.items)
	c.mu.Unlock()
}
