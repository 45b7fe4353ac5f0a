package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// upkeepLog is a log to read back.
type upkeepLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *upkeepLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *upkeepLog) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.buf.String() }

// recorded is a task that counts its runs and returns n and err.
func recorded(runs *int, n int64, err error) func(context.Context) (int64, error) {
	return func(context.Context) (int64, error) { *runs++; return n, err }
}

// TestUpkeepLogsAFailureAndRunsTheRest: a failing task is logged as a
// warning and the tasks after it still run; counts are logged when a task
// names what it did.
func TestUpkeepLogsAFailureAndRunsTheRest(t *testing.T) {
	var log upkeepLog
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	var first, second, third int
	u := newUpkeep(slog.New(slog.NewTextHandler(&log, nil)), func() time.Time { return now }, &schedule{every: time.Hour, next: now,
		tasks: []upkeepTask{
			{name: "first task", run: recorded(&first, 0, errors.New("disk on fire"))},
			{name: "second task", done: "did the second", run: recorded(&second, 3, nil)},
			{name: "third task", done: "did the third", run: recorded(&third, 0, nil)},
		}})
	if n := u.RunDue(context.Background()); n != 3 || first != 1 || second != 1 || third != 1 {
		t.Fatalf("ran %d tasks (%d, %d, %d), want each once", n, first, second, third)
	}
	got := log.String()
	for _, want := range []string{`level=WARN msg="first task" err="disk on fire"`, `level=INFO msg="did the second" count=3`} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "third") {
		t.Errorf("a task that did nothing was logged:\n%s", got)
	}
	if n := u.RunDue(context.Background()); n != 0 {
		t.Errorf("ran %d tasks again within the hour", n)
	}
}

// TestUpkeepShutdownIsNoFailure: a task cut short by the end of its
// context is not logged, the tasks after it do not start, and Run returns.
func TestUpkeepShutdownIsNoFailure(t *testing.T) {
	var log upkeepLog
	ctx, cancel := context.WithCancel(context.Background())
	stopping := func(ctx context.Context) (int64, error) {
		cancel()
		return 0, fmt.Errorf("query: %w", ctx.Err())
	}
	var after int
	u := newUpkeep(slog.New(slog.NewTextHandler(&log, nil)), time.Now, &schedule{every: time.Hour, next: time.Now(),
		tasks: []upkeepTask{{name: "stopping task", run: stopping}, {name: "later task", run: recorded(&after, 0, nil)}}})
	done := make(chan struct{})
	go func() { u.Run(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
	if after != 0 {
		t.Error("a task started after the context ended")
	}
	if got := log.String(); got != "" {
		t.Errorf("a shutdown was logged:\n%s", got)
	}
}
