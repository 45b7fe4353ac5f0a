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

	mu      sync.Mutex
	items   map[K]entry[V]
	loading map[K]*load[V] // the loads in flight, by key
}

// load is one call of Load's function, which the callers of the same key
// that come while it runs wait for.
type load[V any] struct {
	done  chan struct{}
	value V
	err   error
}

type entry[V any] struct {
	value   V
	expires time.Time
}

// New returns a cache holding at most maxItems entries for ttl each.
func New[K comparable, V any](ttl time.Duration, maxItems int) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, maxItems: maxItems, items: make(map[K]entry[V]), loading: make(map[K]*load[V])}
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

// Load returns the value for k if it is there and fresh at now, and
// otherwise makes it with fn and stores it (unless fn fails). Callers that
// ask for the same key while fn runs wait for its result instead of each
// running fn: when a costly entry expires under load, it is made once,
// not once per request in flight. A failed fn is not shared: each waiter
// then runs fn for itself, and nothing is stored.
func (c *Cache[K, V]) Load(k K, now time.Time, fn func() (V, error)) (V, error) {
	if v, ok := c.Get(k, now); ok {
		return v, nil
	}
	c.mu.Lock()
	if l, ok := c.loading[k]; ok {
		c.mu.Unlock()
		<-l.done
		if l.err == nil {
			return l.value, nil
		}
		return fn() // its error may be its caller's own (a cancelled request): try for ourselves
	}
	l := &load[V]{done: make(chan struct{})}
	c.loading[k] = l
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.loading, k)
		c.mu.Unlock()
		close(l.done)
	}()
	if l.value, l.err = fn(); l.err == nil {
		c.Put(k, l.value, now)
	}
	return l.value, l.err
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
