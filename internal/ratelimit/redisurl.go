package ratelimit

import (
	"errors"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"
)

// ParseRedisURL reads a redis:// or rediss:// URL into client options, with
// short timeouts unless the URL sets them. Its errors never repeat the URL,
// which may hold a password.
func ParseRedisURL(s string) (*redis.Options, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return nil, errors.New("must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379/0")
	}
	opt, err := redis.ParseURL(s)
	if err != nil {
		return nil, errors.New("must be a redis:// or rediss:// URL with a valid database number and options, like redis://127.0.0.1:6379/0")
	}
	shortTimeouts(opt, u.Query())
	return opt, nil
}

// shortTimeouts makes the client quick to give up, because a rate limit
// check sits on every limited request and fails open anyway. A URL keeps
// any of these it sets itself with go-redis's query parameters
// (dial_timeout=2s and so on).
func shortTimeouts(opt *redis.Options, q url.Values) {
	if !q.Has("dial_timeout") {
		opt.DialTimeout = time.Second
	}
	if !q.Has("read_timeout") {
		opt.ReadTimeout = 250 * time.Millisecond
	}
	if !q.Has("write_timeout") {
		opt.WriteTimeout = 250 * time.Millisecond
	}
	if !q.Has("pool_timeout") {
		opt.PoolTimeout = 500 * time.Millisecond
	}
	if !q.Has("max_retries") {
		opt.MaxRetries = -1 // none: a failure fails open at once
	}
	opt.DialerRetries = 1 // one dial per attempt, not five 100ms apart
}
