package config

import (
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
)

func TestRateLimitDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := ratelimit.Limits{
		Signup: ratelimit.Limit{Count: 5, Per: time.Minute},
		Login:  ratelimit.Limit{Count: 20, Per: time.Minute},
		Click:  ratelimit.Limit{Count: 120, Per: time.Minute},
		Verify: ratelimit.Limit{Count: 5, Per: time.Hour},
		API:    ratelimit.Limit{Count: 600, Per: time.Minute},
	}
	if c.RateLimits != want || c.RedisURL != "" {
		t.Fatalf("rate limits %+v, Redis %q; want %+v in memory", c.RateLimits, c.RedisURL, want)
	}
}

func TestRateLimitSettings(t *testing.T) {
	c, err := load(t, map[string]string{"REFERRALHUB_RATE_LIMIT_CLICK": "off", "REFERRALHUB_RATE_LIMIT_LOGIN": "10/30s",
		"REFERRALHUB_REDIS_URL": "redis://:pw@127.0.0.1:6379/1"}, "-rate-limit-signup", "2/1h")
	if err != nil {
		t.Fatal(err)
	}
	if !c.RateLimits.Click.Off() || c.RateLimits.Login != (ratelimit.Limit{Count: 10, Per: 30 * time.Second}) ||
		c.RateLimits.Signup != (ratelimit.Limit{Count: 2, Per: time.Hour}) || c.RedisURL != "redis://:pw@127.0.0.1:6379/1" {
		t.Fatalf("%+v %q", c.RateLimits, c.RedisURL)
	}
}

func TestInvalidRateLimitsNameTheVariable(t *testing.T) {
	for env, v := range map[string]string{
		"REFERRALHUB_RATE_LIMIT_SIGNUP": "lots",
		"REFERRALHUB_RATE_LIMIT_LOGIN":  "0/1m",
		"REFERRALHUB_RATE_LIMIT_CLICK":  "120/forever",
		"REFERRALHUB_RATE_LIMIT_VERIFY": "5",
		"REFERRALHUB_RATE_LIMIT_API":    "on",
		"REFERRALHUB_REDIS_URL":         "http://:hunter2@cache:6379",
	} {
		_, err := load(t, map[string]string{env: v})
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%q: err = %v, want one naming the variable", env, v, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the password: %v", env, err)
		}
	}
}
