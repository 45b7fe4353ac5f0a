package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/ratelimit/ratelimittest"
)

// signupStatus posts a signup form and returns the status.
func signupStatus(t *testing.T, base, name string) int {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/signup", url.Values{"email": {name + "@example.com"}, "username": {name}, "password": {"password123"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeRateLimitsSignups runs the real program with
// REFERRALHUB_RATE_LIMIT_SIGNUP=2/1m, counted in memory.
func TestServeRateLimitsSignups(t *testing.T) {
	base, stop := startServe(t, testEnv(t, "sqlite", map[string]string{"REFERRALHUB_RATE_LIMIT_SIGNUP": "2/1m"}))
	defer stop()
	for i, want := range []int{http.StatusSeeOther, http.StatusSeeOther, http.StatusTooManyRequests} {
		if got := signupStatus(t, base, "user"+string(rune('a'+i))); got != want {
			t.Fatalf("signup %d: %d, want %d", i+1, got, want)
		}
	}
}

// TestServeSharesRateLimitsThroughRedis runs the real program twice, over
// two databases and one Redis (REFERRALHUB_REDIS_URL): the limit holds
// across them. A secret key of its own keeps this run's Redis keys apart
// from any other's, and they are deleted at the end.
func TestServeSharesRateLimitsThroughRedis(t *testing.T) {
	client := ratelimittest.Client(t)
	secret := "rate limit test secret " + rand.Text()
	key := "rate:referralhub:" + ratelimit.NewKeys([]byte(secret)).IP("signup", "127.0.0.1")
	t.Cleanup(func() { client.Del(context.Background(), key) })
	vars := map[string]string{"REFERRALHUB_RATE_LIMIT_SIGNUP": "2/1m", "REFERRALHUB_SECRET_KEY": secret,
		"REFERRALHUB_REDIS_URL": ratelimittest.URL(t)}
	a, stopA := startServe(t, testEnv(t, "sqlite", vars))
	defer stopA()
	b, stopB := startServe(t, testEnv(t, "sqlite", vars))
	defer stopB()
	if got := signupStatus(t, a, "ann"); got != http.StatusSeeOther {
		t.Fatalf("signup on A: %d", got)
	}
	if got := signupStatus(t, b, "ben"); got != http.StatusSeeOther {
		t.Fatalf("signup on B: %d", got)
	}
	if got := signupStatus(t, a, "cat"); got != http.StatusTooManyRequests {
		t.Fatalf("third signup, on A: %d, want 429", got)
	}
	if n, err := client.Exists(context.Background(), key).Result(); err != nil || n != 1 {
		t.Fatalf("key %s in Redis: %d, %v", key, n, err)
	}
}

// TestRedisClientLogsThroughSlog: with REFERRALHUB_REDIS_URL pointing at
// nothing and JSON logs, the Redis client's own complaint comes out as a
// JSON line of the program's log (component=redis), not as a plain line
// on standard error.
func TestRedisClientLogsThroughSlog(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base, stop, logs := startServeLogging(t, testEnv(t, "sqlite", map[string]string{
		"REFERRALHUB_REDIS_URL": "redis://" + addr + "/0", "REFERRALHUB_LOG_FORMAT": "json"}))
	defer stop()
	if got := signupStatus(t, base, "ann"); got != http.StatusSeeOther {
		t.Fatalf("signup with Redis down: %d, want it to go ahead", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(logs.String()) {
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) == nil && entry["component"] == "redis" && entry["level"] == "WARN" {
			return
		}
	}
	t.Errorf("no JSON line from the Redis client in:\n%s", logs.String())
}
