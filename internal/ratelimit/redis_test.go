package ratelimit_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/ratelimit/ratelimittest"
)

func TestRedisAllowsCountThenDenies(t *testing.T) {
	client := ratelimittest.Client(t)
	l := ratelimit.NewRedis(client, ratelimit.RedisConfig{Prefix: ratelimittest.Prefix(t, client)})
	allowN(t, l, "signup:ip:a", fivePerMinute, 5)
	res, err := l.Allow(context.Background(), "signup:ip:a", fivePerMinute)
	if err != nil || res.Allowed {
		t.Fatalf("6th: %+v, %v; want denied", res, err)
	}
	if res.RetryAfter < 10*time.Second || res.RetryAfter > 12*time.Second {
		t.Fatalf("retry after %v, want about 12s", res.RetryAfter)
	}
	allowN(t, l, "signup:ip:b", fivePerMinute, 5)
}

// TestRedisSharesAcrossClients is two instances of the program: each has
// its own client, and the count is one.
func TestRedisSharesAcrossClients(t *testing.T) {
	a := ratelimittest.Client(t)
	prefix := ratelimittest.Prefix(t, a)
	la := ratelimit.NewRedis(a, ratelimit.RedisConfig{Prefix: prefix})
	lb := ratelimit.NewRedis(ratelimittest.Client(t), ratelimit.RedisConfig{Prefix: prefix})
	ctx := context.Background()
	for i := range 6 {
		l := la
		if i%2 == 1 {
			l = lb
		}
		res, err := l.Allow(ctx, "k", fivePerMinute)
		if err != nil || res.Allowed != (i < 5) {
			t.Fatalf("request %d: %+v, %v", i+1, res, err)
		}
	}
	if n, err := a.Keys(ctx, "*"+prefix+"*").Result(); err != nil || len(n) != 1 {
		t.Fatalf("keys under the prefix: %v, %v; want one", n, err)
	}
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRedisFailsOpen points the limiter at a port where nothing listens:
// every request is allowed, and the outage is logged once a minute.
func TestRedisFailsOpen(t *testing.T) {
	opt, err := ratelimit.ParseRedisURL("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opt)
	defer client.Close()
	var logs syncBuffer
	c := newClock()
	l := ratelimit.NewRedis(client, ratelimit.RedisConfig{Log: slog.New(slog.NewTextHandler(&logs, nil)), Now: c.now})
	for i := range 200 {
		if i%20 == 0 {
			c.add(6 * time.Second) // past the pause after a failure, so Redis is asked again
		}
		res, err := l.Allow(context.Background(), "k", ratelimit.Limit{Count: 1, Per: time.Hour})
		if err != nil || !res.Allowed {
			t.Fatalf("request %d: %+v, %v; want allowed while Redis is down", i+1, res, err)
		}
	}
	// 200 requests over 60s of the clock: one line, then one more a minute later.
	if n := strings.Count(logs.String(), "Redis is not answering"); n < 1 || n > 2 {
		t.Fatalf("logged the outage %d times in a minute:\n%s", n, logs.String())
	}
}

func TestParseRedisURL(t *testing.T) {
	opt, err := ratelimit.ParseRedisURL("redis://:pw@127.0.0.1:6379/2")
	if err != nil || opt.DB != 2 || opt.Password != "pw" || opt.ReadTimeout != 250*time.Millisecond || opt.MaxRetries != -1 || opt.DialerRetries != 1 {
		t.Fatalf("%+v, %v", opt, err)
	}
	if opt, _ := ratelimit.ParseRedisURL("redis://127.0.0.1:6379/0?read_timeout=2s"); opt.ReadTimeout != 2*time.Second {
		t.Fatalf("read_timeout in the URL was overridden: %v", opt.ReadTimeout)
	}
	for _, bad := range []string{"http://127.0.0.1:6379", "redis://", "redis://:secretpw@127.0.0.1:6379/x", "::"} {
		_, err := ratelimit.ParseRedisURL(bad)
		if err == nil || strings.Contains(err.Error(), "secretpw") {
			t.Errorf("ParseRedisURL(%q): %v; want an error without the password", bad, err)
		}
	}
}

// TestRedisFallsBackToMemory: with a fallback, an outage turns the shared
// limit into a per-instance one instead of no limit.
func TestRedisFallsBackToMemory(t *testing.T) {
	opt, err := ratelimit.ParseRedisURL("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opt)
	defer client.Close()
	c := newClock()
	l := ratelimit.NewRedis(client, ratelimit.RedisConfig{Now: c.now, Fallback: ratelimit.NewMemory(c.now)})
	limit := ratelimit.Limit{Count: 3, Per: time.Hour}
	for i := range 3 {
		if res, err := l.Allow(context.Background(), "k", limit); err != nil || !res.Allowed {
			t.Fatalf("request %d: %+v, %v", i+1, res, err)
		}
	}
	if res, _ := l.Allow(context.Background(), "k", limit); res.Allowed || res.RetryAfter <= 0 {
		t.Fatalf("the 4th request while Redis is down: %+v; want denied by the fallback", res)
	}
}
