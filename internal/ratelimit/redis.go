package ratelimit

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Redis is a Limiter that keeps its counts in Redis, through redis_rate's
// GCRA script, so every instance pointed at the same Redis shares the
// limits. Keys expire by themselves once their buckets are full again.
//
// When Redis does not answer, Allow falls back to its Fallback limiter (this
// instance's own counts) or, without one, allows the request; either way it
// returns no error, logs the outage at most once a minute, and does not ask
// Redis again for a few seconds, so that an outage costs neither the site
// nor much latency. Rate limits are a guard, not a dependency.
type Redis struct {
	limiter   *redis_rate.Limiter
	prefix    string
	log       *slog.Logger
	now       func() time.Time
	fallback  Limiter
	downUntil atomic.Int64 // unix nanos until which Redis is not asked
	nextLog   atomic.Int64 // unix nanos before which outages are not logged
}

// RedisConfig are the optional parts of a Redis limiter.
type RedisConfig struct {
	Prefix string           // prepended to every key, to share a Redis with other uses (and to keep tests apart)
	Log    *slog.Logger     // where outages are reported; nil discards
	Now    func() time.Time // time.Now when nil; paces retries and logging
	// Fallback counts while Redis is down (per instance); nil allows.
	Fallback Limiter
}

// Pacing of the fail-open path.
const (
	redisRetryAfter = 5 * time.Second // after an error, Redis is left alone this long
	redisLogEvery   = time.Minute
)

// NewRedis returns a limiter over client. The caller owns the client and
// closes it after the last request.
func NewRedis(client *redis.Client, cfg RedisConfig) *Redis {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Redis{limiter: redis_rate.NewLimiter(client), prefix: cfg.Prefix, log: cfg.Log, now: cfg.Now, fallback: cfg.Fallback}
}

// Allow counts one request under key against l. Remaining is -1 when l
// is off or when Redis could not be asked.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) (Result, error) {
	if l.Off() {
		return Result{Allowed: true, Remaining: -1}, nil
	}
	if r.now().UnixNano() < r.downUntil.Load() {
		return r.whileDown(ctx, key, l)
	}
	res, err := r.limiter.Allow(ctx, r.prefix+key, redis_rate.Limit{Rate: l.Count, Burst: l.Count, Period: l.Per})
	if err != nil {
		r.failed(ctx, err)
		return r.whileDown(ctx, key, l)
	}
	if res.Allowed == 0 {
		return Result{RetryAfter: res.RetryAfter}, nil
	}
	return Result{Allowed: true, Remaining: res.Remaining}, nil
}

// failed records an outage: Redis is left alone for a while, and the
// first failure in a minute is logged. A request whose client went away
// says nothing about Redis.
func (r *Redis) failed(ctx context.Context, err error) {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return
	}
	now := r.now().UnixNano()
	r.downUntil.Store(now + int64(redisRetryAfter))
	next := r.nextLog.Load()
	if now < next || !r.nextLog.CompareAndSwap(next, now+int64(redisLogEvery)) {
		return
	}
	r.log.Warn("rate limits: Redis is not answering, so each instance counts on its own (or allows, without a fallback) until it is back", "err", err)
}

// whileDown answers without Redis: through the fallback, or allowing.
func (r *Redis) whileDown(ctx context.Context, key string, l Limit) (Result, error) {
	if r.fallback == nil {
		return Result{Allowed: true, Remaining: -1}, nil
	}
	res, err := r.fallback.Allow(ctx, key, l)
	if err != nil {
		return Result{Allowed: true, Remaining: -1}, nil
	}
	return res, nil
}
