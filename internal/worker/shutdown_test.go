package worker_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/worker"
)

// TestShutdownLogsNoError: a worker whose context ends (a shutdown) while
// it looks for abandoned jobs logs no error: nothing failed. It used to log
// "ERROR fail abandoned jobs: context canceled" at every other shutdown.
func TestShutdownLogsNoError(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		var log bytes.Buffer
		w := worker.New(db, nil, worker.Config{Now: (&clock{t: t0}).now, Log: slog.New(slog.NewTextHandler(&log, nil))})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		w.RunDue(ctx)
		if strings.Contains(log.String(), "level=ERROR") {
			t.Fatalf("a shutdown logged an error:\n%s", log.String())
		}
	})
}
