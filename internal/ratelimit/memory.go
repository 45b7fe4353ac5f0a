package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// Sizes of the in-memory limiter.
const (
	shardCount     = 64          // locks spread over keys, so the click path rarely waits
	maxShardKeys   = 4096        // keys per shard: at most 262,144 in all, a few tens of MB
	sweepEvery     = time.Minute // how often a shard drops its idle keys
	cacheLinePadTo = 64
)

// Memory is a Limiter that keeps its counts in this process: per key, the
// time at which its bucket would be full again (GCRA). A key whose bucket
// is full again is idle, and dropping it changes nothing, so each shard
// drops its idle keys once a minute. If a shard still fills up (a flood of
// new keys), it forgets an arbitrary key to make room: the limit then
// errs on the side of allowing, and memory stays bounded. Safe for
// concurrent use; it never returns an error.
type Memory struct {
	now    func() time.Time
	seed   maphash.Seed
	shards [shardCount]shard
}

type shard struct {
	mu        sync.Mutex
	full      map[string]int64 // key: unix nanos at which its bucket is full again
	nextSweep int64
	_         [cacheLinePadTo - 24]byte // one shard per cache line
}

// NewMemory returns an empty in-memory limiter reading the time from now
// (time.Now when nil), so tests can move the clock.
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	m := &Memory{now: now, seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].full = make(map[string]int64)
	}
	return m
}

// Allow counts one request under key against l. Remaining is -1 when l
// is off.
func (m *Memory) Allow(_ context.Context, key string, l Limit) (Result, error) {
	if l.Off() {
		return Result{Allowed: true, Remaining: -1}, nil
	}
	now := m.now().UnixNano()
	step, per := int64(l.interval()), int64(l.Per)
	s := &m.shards[maphash.String(m.seed, key)%shardCount]
	s.mu.Lock()
	if now >= s.nextSweep {
		s.sweep(now)
	}
	full, ok := s.full[key]
	if !ok && len(s.full) >= maxShardKeys {
		s.evictOne()
	}
	full = max(full, now) + step
	if full-now > per {
		s.mu.Unlock()
		return Result{RetryAfter: time.Duration(full - now - per)}, nil
	}
	s.full[key] = full
	s.mu.Unlock()
	return Result{Allowed: true, Remaining: int((per - (full - now)) / step)}, nil
}

// sweep drops the keys whose buckets are full again. The caller holds mu.
func (s *shard) sweep(now int64) {
	for k, full := range s.full {
		if full <= now {
			delete(s.full, k)
		}
	}
	s.nextSweep = now + int64(sweepEvery)
}

// evictOne forgets an arbitrary key. The caller holds mu.
func (s *shard) evictOne() {
	for k := range s.full {
		delete(s.full, k)
		return
	}
}
