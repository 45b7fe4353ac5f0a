package ratelimit_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"
	"github.com/referralhub/referralhub/internal/ratelimit"
)

// TestRedisClientLogsThroughSlog: with RedisLog installed, the client's own
// line about a pool that cannot dial comes out of the program's logger, as
// JSON when JSON is chosen, not as a plain line on standard error.
func TestRedisClientLogsThroughSlog(t *testing.T) {
	var out syncBuffer
	redis.SetLogger(ratelimit.NewRedisLog(slog.New(slog.NewJSONHandler(&out, nil))))
	t.Cleanup(logging.Enable) // the client's default logger, for the other tests
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	client := redis.NewClient(&redis.Options{Addr: addr, DialerRetries: 1, DialerRetryTimeout: time.Millisecond, MaxRetries: -1})
	defer client.Close()
	if err := client.Ping(context.Background()).Err(); err == nil {
		t.Fatal("ping to a closed port answered")
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	var got map[string]any
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("the client logged %q: %v", out.String(), err)
	}
	msg, _ := got["msg"].(string)
	if got["level"] != "WARN" || got["component"] != "redis" || !strings.HasPrefix(msg, "connection pool: failed to dial") {
		t.Errorf("logged %v, want a warning from the redis component", got)
	}
}
