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
// It fails open: when Redis does not answer, Allow allows the request and
// returns no error, logging the outage at most once a minute, and it does
// not ask Redis again for a few seconds, so that an outage costs neither
// the site nor much latency. Rate limits are a guard, not a dependency.
type Redis struct {
	limiter   *redis_rate.Limiter
	prefix    string
	log       *slog.Logger
	now       func() time.Time
	downUntil atomic.Int64 // unix nanos until which Redis is not asked
	nextLog   atomic.Int64 // unix nanos before which outages are not logged
}

// RedisConfig are the optional parts of a Redis limiter.
type RedisConfig struct {
	Prefix string           // prepended to every key, to share a Redis with other uses (and to keep tests apart)
	Log    *slog.Logger     // where outages are reported; nil discards
	Now    func() time.Time // time.Now when nil; paces retries and logging
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
	return &Redis{limiter: redis_rate.NewLimiter(client), prefix: cfg.Prefix, log: cfg.Log, now: cfg.Now}
}

// Allow counts one request under key against l. Remaining is -1 when l
// is off or when Redis could not be asked.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) (Result, error) {
	if l.Off() {
		return Result{Allowed: true, Remaining: -1}, nil
	}
	if r.now().UnixNano() < r.downUntil.Load() {
		return Result{Allowed: true, Remaining: -1}, nil
	}
	res, err := r.limiter.Allow(ctx, r.prefix+key, redis_rate.Limit{Rate: l.Count, Burst: l.Count, Period: l.Per})
	if err != nil {
		r.failed(ctx, err)
		return Result{Allowed: true, Remaining: -1}, nil
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
	r.log.Warn("rate limits: Redis is not answering, so requests are allowed without limits until it is back", "err", err)
}
