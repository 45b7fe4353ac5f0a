package clicks

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/referralhub/referralhub"
)

// CodeCache resolves referral codes in memory in front of the database. It
// remembers unknown codes too (negative caching) so a flood of bad links
// does not reach the database, and it collapses concurrent misses for one
// code into one query. While the database cannot answer, an expired entry
// goes on answering.
type CodeCache struct {
	load     func(ctx context.Context, code string) (referralhub.CodeOwner, error)
	now      func() time.Time
	ttl      time.Duration
	negTTL   time.Duration
	maxItems int

	mu    sync.RWMutex
	items map[string]cacheEntry
	gen   uint64 // bumped by Purge: a load that began before it is not kept
	group singleflight.Group
}

type cacheEntry struct {
	owner   referralhub.CodeOwner
	found   bool
	expires time.Time
}

// loadTimeout bounds one database lookup of a code.
const loadTimeout = 5 * time.Second

// CodeCacheConfig sizes a CodeCache.
type CodeCacheConfig struct {
	TTL         time.Duration // how long a known code is trusted
	NegativeTTL time.Duration // how long an unknown code is remembered
	MaxItems    int
}

// NewCodeCache returns a cache that loads misses with load.
func NewCodeCache(cfg CodeCacheConfig, now func() time.Time, load func(context.Context, string) (referralhub.CodeOwner, error)) *CodeCache {
	return &CodeCache{load: load, now: now, ttl: cfg.TTL, negTTL: cfg.NegativeTTL, maxItems: cfg.MaxItems,
		items: make(map[string]cacheEntry)}
}

// Lookup returns the owner of code; found is false for an unknown code.
func (c *CodeCache) Lookup(ctx context.Context, code string) (owner referralhub.CodeOwner, found bool, err error) {
	now := c.now()
	c.mu.RLock()
	e, ok := c.items[code]
	c.mu.RUnlock()
	if ok && now.Before(e.expires) {
		return e.owner, e.found, nil
	}
	c.mu.RLock()
	gen := c.gen
	c.mu.RUnlock()
	v, err, _ := c.group.Do(code, func() (any, error) {
		// Every caller waiting on this code shares the load, so it must not
		// die with the first caller's request.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loadTimeout)
		defer cancel()
		return c.fill(ctx, code, now, gen)
	})
	if err != nil {
		return owner, false, err
	}
	e = v.(cacheEntry)
	return e.owner, e.found, nil
}

func (c *CodeCache) fill(ctx context.Context, code string, now time.Time, gen uint64) (cacheEntry, error) {
	owner, err := c.load(ctx, code)
	e := cacheEntry{owner: owner, found: err == nil, expires: now.Add(c.ttl)}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case referralhub.ErrorCode(err) == referralhub.ENOTFOUND:
		e.expires = now.Add(c.negTTL)
	case err != nil:
		return c.stale(code, now, gen, err)
	}
	if gen != c.gen {
		return e, nil // purged while loading: the answer may be stale, so keep nothing
	}
	if len(c.items) >= c.maxItems {
		c.evict(now)
	}
	c.items[code] = e
	return e, nil
}

// stale answers a code the database could not be asked about (err) from
// its expired entry, kept for NegativeTTL more before the database is
// tried again, so referral links go on working through an outage. A code
// forgotten or purged (banned, changed) has no entry, and gets err. Call
// with mu held.
func (c *CodeCache) stale(code string, now time.Time, gen uint64, err error) (cacheEntry, error) {
	e, ok := c.items[code]
	if !ok || gen != c.gen {
		return e, err
	}
	e.expires = now.Add(c.negTTL)
	c.items[code] = e
	return e, nil
}

// evict drops expired entries, and a quarter of the rest if that is not
// enough; map order makes the choice effectively random. Callers hold mu.
func (c *CodeCache) evict(now time.Time) {
	for k, e := range c.items {
		if !now.Before(e.expires) {
			delete(c.items, k)
		}
	}
	drop := len(c.items) - c.maxItems*3/4
	for k := range c.items {
		if drop <= 0 {
			break
		}
		delete(c.items, k)
		drop--
	}
}

// Forget removes code from the cache, for when it changes or is banned.
func (c *CodeCache) Forget(code string) {
	c.mu.Lock()
	delete(c.items, code)
	c.mu.Unlock()
}

// Purge empties the cache, for when codes changed on another instance.
// Loads that began before it answer their callers but are not kept.
func (c *CodeCache) Purge() {
	c.mu.Lock()
	c.items = make(map[string]cacheEntry)
	c.gen++
	c.mu.Unlock()
}
