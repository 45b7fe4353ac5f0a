package main

import (
	"io"
	"net/http"
	"testing"

	"github.com/referralhub/referralhub/internal/ratelimit/ratelimittest"
)

// TestReadyzChecksRedis runs serve with REFERRALHUB_REDIS_URL: /readyz
// answers "ready" while Redis answers, and names Redis when it cannot be
// reached, still with 200: the rate limits fall back to memory, so a Redis
// outage must not take every instance out of the load balancer.
func TestReadyzChecksRedis(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		code      int
		body      string
	}{
		{"up", "", http.StatusOK, "ready\n"}, // the test Redis
		{"down", "redis://127.0.0.1:1/0", http.StatusOK, "ready\nRedis unreachable\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.url == "" {
				tc.url = ratelimittest.URL(t)
			}
			base, stop := startServe(t, testEnv(t, "sqlite", map[string]string{"REFERRALHUB_REDIS_URL": tc.url}))
			defer stop()
			resp, err := http.Get(base + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.code || string(body) != tc.body {
				t.Fatalf("/readyz = %d %q, want %d %q", resp.StatusCode, body, tc.code, tc.body)
			}
		})
	}
}
