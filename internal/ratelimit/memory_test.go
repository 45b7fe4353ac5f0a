package ratelimit_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
)

// clock is a settable time for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var fivePerMinute = ratelimit.Limit{Count: 5, Per: time.Minute}

// allowN calls Allow n times and fails unless each is allowed.
func allowN(t *testing.T, l ratelimit.Limiter, key string, lim ratelimit.Limit, n int) {
	t.Helper()
	for i := range n {
		res, err := l.Allow(context.Background(), key, lim)
		if err != nil || !res.Allowed {
			t.Fatalf("request %d of %d under %s: %+v, %v; want allowed", i+1, n, key, res, err)
		}
		if want := n - i - 1; lim.Count == n && res.Remaining != want {
			t.Errorf("request %d: remaining %d, want %d", i+1, res.Remaining, want)
		}
	}
}

func TestMemoryAllowsCountThenDenies(t *testing.T) {
	c := newClock()
	m := ratelimit.NewMemory(c.now)
	allowN(t, m, "signup:ip:a", fivePerMinute, 5)
	res, err := m.Allow(context.Background(), "signup:ip:a", fivePerMinute)
	if err != nil || res.Allowed {
		t.Fatalf("6th: %+v, %v; want denied", res, err)
	}
	if res.RetryAfter != 12*time.Second { // one request's share of a minute
		t.Fatalf("retry after %v, want 12s", res.RetryAfter)
	}
	allowN(t, m, "signup:ip:b", fivePerMinute, 5) // other keys have their own count
}

func TestMemoryRefillsOverTime(t *testing.T) {
	c := newClock()
	m := ratelimit.NewMemory(c.now)
	ctx := context.Background()
	allowN(t, m, "k", fivePerMinute, 5)
	c.add(11 * time.Second)
	if res, _ := m.Allow(ctx, "k", fivePerMinute); res.Allowed || res.RetryAfter != time.Second {
		t.Fatalf("after 11s: %+v; want denied for 1s more", res)
	}
	c.add(time.Second)
	if res, _ := m.Allow(ctx, "k", fivePerMinute); !res.Allowed || res.Remaining != 0 {
		t.Fatalf("after 12s: %+v; want one allowed", res)
	}
	if res, _ := m.Allow(ctx, "k", fivePerMinute); res.Allowed {
		t.Fatalf("a second request after 12s was allowed")
	}
	c.add(time.Hour)
	allowN(t, m, "k", fivePerMinute, 5)
}

func TestMemoryOffAllowsEverything(t *testing.T) {
	m := ratelimit.NewMemory(nil)
	for range 100 {
		if res, _ := m.Allow(context.Background(), "k", ratelimit.Limit{}); !res.Allowed {
			t.Fatal("denied under a limit that is off")
		}
	}
}

// TestMemoryConcurrent checks, under -race, that concurrent requests on
// one key never get more than the limit allows.
func TestMemoryConcurrent(t *testing.T) {
	m := ratelimit.NewMemory(newClock().now)
	lim := ratelimit.Limit{Count: 100, Per: time.Hour}
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				res, _ := m.Allow(context.Background(), "shared", lim)
				if res.Allowed {
					allowed.Add(1)
				}
				m.Allow(context.Background(), fmt.Sprint("own", g, i), lim)
			}
		})
	}
	wg.Wait()
	if allowed.Load() != 100 {
		t.Fatalf("allowed %d of 400 on one key, want exactly 100", allowed.Load())
	}
}

func BenchmarkMemoryAllow(b *testing.B) {
	m := ratelimit.NewMemory(nil)
	keys := ratelimit.NewKeys([]byte("bench"))
	lim := ratelimit.Limit{Count: 1_000_000, Per: time.Second}
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		key := keys.IP("click", fmt.Sprintf("10.0.%d.1", n.Add(1)))
		for pb.Next() {
			m.Allow(context.Background(), key, lim)
		}
	})
}
