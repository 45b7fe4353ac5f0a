package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/ratelimit/ratelimittest"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/web"
)

// TestRateLimitSharedThroughRedis runs two instances, each with its own
// database and its own Redis client, against one Redis: with 5 signups a
// minute, three to A and two to B pass and the sixth, to B, gets 429.
func TestRateLimitSharedThroughRedis(t *testing.T) {
	first := ratelimittest.Client(t)
	prefix := ratelimittest.Prefix(t, first)
	instance := func(client ratelimit.Limiter) *site {
		return newSiteWith(t, storagetest.Open(t, "sqlite"), time.Now, siteOptions{rateLimit: web.RateLimit{
			Limiter: client, Limits: ratelimit.Limits{Signup: ratelimit.Limit{Count: 5, Per: time.Minute}},
			Secret: []byte("shared by every instance"),
		}})
	}
	a := instance(ratelimit.NewRedis(first, ratelimit.RedisConfig{Prefix: prefix}))
	b := instance(ratelimit.NewRedis(ratelimittest.Client(t), ratelimit.RedisConfig{Prefix: prefix}))
	for _, name := range []string{"ann", "ben", "cat"} {
		a.browser(t).signup(name)
	}
	for _, name := range []string{"dan", "eve"} {
		b.browser(t).signup(name)
	}
	resp, body := b.browser(t).post("/signup", signupForm("fay"))
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("6th signup across instances: %d, Retry-After %q\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, _ := a.browser(t).post("/signup", signupForm("fay")); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("7th signup, on A: %d", resp.StatusCode)
	}
}
