package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// RedisLog carries the Redis client's own messages (a pool that cannot
// dial, a connection it had to close) into the program's log, as
// structured lines at warning level with component=redis, instead of the
// client's plain lines on standard error. The client keeps one logger for
// the whole process: cmd/ installs this one with redis.SetLogger when it
// makes a Redis client.
type RedisLog struct{ log *slog.Logger }

// NewRedisLog returns a RedisLog writing to log.
func NewRedisLog(log *slog.Logger) *RedisLog { return &RedisLog{log: log} }

// Printf logs one of the client's messages.
func (l *RedisLog) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	l.log.WarnContext(ctx, msg, slog.String("component", "redis"))
}
