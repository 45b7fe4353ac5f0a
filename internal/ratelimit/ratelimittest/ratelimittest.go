// Package ratelimittest gives tests a real Redis for rate limits: tests
// skip when REFERRALHUB_TEST_REDIS_URL is unset, and fail when it is set
// but Redis does not answer, so CI cannot pass by silently skipping.
package ratelimittest

import (
	"context"
	"crypto/rand"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvRedis names the variable that switches the Redis tests on.
const EnvRedis = "REFERRALHUB_TEST_REDIS_URL"

// URL returns the test Redis's URL, skipping the test when it is unset.
func URL(tb testing.TB) string {
	tb.Helper()
	raw := os.Getenv(EnvRedis)
	if raw == "" {
		tb.Skip(EnvRedis + " is not set")
	}
	return raw
}

// Client returns a new client of the test Redis, checked with a ping and
// closed at cleanup. Each call gives its own client, as separate instances
// of the program would have.
func Client(tb testing.TB) *redis.Client {
	tb.Helper()
	opt, err := redis.ParseURL(URL(tb))
	if err != nil {
		tb.Fatalf("%s: %v", EnvRedis, err)
	}
	c := redis.NewClient(opt)
	tb.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		tb.Fatalf("%s is set but Redis does not answer: %v", EnvRedis, err)
	}
	return c
}

// Prefix returns a key prefix unique to this test run, so that parallel
// runs sharing a Redis never see each other's counts. At cleanup it
// deletes the keys under it through c, and only those.
func Prefix(tb testing.TB, c *redis.Client) string {
	tb.Helper()
	prefix := "referralhub-test:" + rand.Text() + ":"
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := c.Scan(ctx, 0, "*"+prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			tb.Errorf("delete test keys under %s: %v", prefix, err)
		}
	})
	return prefix
}
