package core

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/referralhub/referralhub"
)

// ClickBuffer queues clicks in memory and writes them in batches from one
// goroutine, so the redirect never waits for the database. A full buffer
// drops the click (counted), never blocks; the attribution survives in the
// visitor's cookie either way.
type ClickBuffer struct {
	write    func(context.Context, []referralhub.Click) error
	queue    chan referralhub.Click
	interval time.Duration
	batch    int
	log      *slog.Logger

	flushNow chan chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}

	buffered, flushed, dropped atomic.Int64
}

// ClickBufferConfig sizes a ClickBuffer.
type ClickBufferConfig struct {
	Capacity      int           // clicks held before new ones are dropped
	BatchSize     int           // clicks per insert
	FlushInterval time.Duration // longest a click waits
}

// NewClickBuffer returns a buffer that stores batches with write. Call Run
// to start flushing and Close to flush what is left.
func NewClickBuffer(cfg ClickBufferConfig, log *slog.Logger, write func(context.Context, []referralhub.Click) error) *ClickBuffer {
	return &ClickBuffer{
		write: write, queue: make(chan referralhub.Click, cfg.Capacity),
		interval: cfg.FlushInterval, batch: cfg.BatchSize, log: log,
		flushNow: make(chan chan struct{}), stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// Add queues c. It returns false, and counts a drop, when the buffer is full.
func (b *ClickBuffer) Add(c referralhub.Click) bool {
	select {
	case b.queue <- c:
		b.buffered.Add(1)
		return true
	default:
		b.dropped.Add(1)
		return false
	}
}

// ClickBufferStats are the buffer's counters since start.
type ClickBufferStats struct{ Buffered, Flushed, Dropped, Pending int64 }

// Stats returns the buffer's counters.
func (b *ClickBuffer) Stats() ClickBufferStats {
	return ClickBufferStats{Buffered: b.buffered.Load(), Flushed: b.flushed.Load(),
		Dropped: b.dropped.Load(), Pending: int64(len(b.queue))}
}

// Run flushes batches until Close is called, then flushes what is left.
func (b *ClickBuffer) Run() {
	defer close(b.done)
	ticker := time.NewTicker(b.interval)
	defer ticker.Stop()
	pending := make([]referralhub.Click, 0, b.batch)
	for {
		select {
		case c := <-b.queue:
			pending = b.add(pending, c)
		case <-ticker.C:
			pending = b.flush(pending)
		case reply := <-b.flushNow:
			pending = b.drain(pending)
			close(reply)
		case <-b.stop:
			b.drain(pending)
			return
		}
	}
}

// add appends c to pending, writing the batch once it is full.
func (b *ClickBuffer) add(pending []referralhub.Click, c referralhub.Click) []referralhub.Click {
	pending = append(pending, c)
	if len(pending) >= b.batch {
		return b.flush(pending)
	}
	return pending
}

// drain writes pending and everything still queued, and returns the
// emptied slice.
func (b *ClickBuffer) drain(pending []referralhub.Click) []referralhub.Click {
	for {
		select {
		case c := <-b.queue:
			pending = b.add(pending, c)
		default:
			return b.flush(pending)
		}
	}
}

// flush writes pending, retrying a failed batch a few times before dropping
// it, and returns the emptied slice for reuse.
func (b *ClickBuffer) flush(pending []referralhub.Click) []referralhub.Click {
	if len(pending) == 0 {
		return pending
	}
	var err error
	for attempt := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = b.write(ctx, pending)
		cancel()
		if err == nil {
			b.flushed.Add(int64(len(pending)))
			return pending[:0]
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
	b.dropped.Add(int64(len(pending)))
	b.log.Error("dropping click batch after retries", "clicks", len(pending), "err", err)
	return pending[:0]
}

// Flush writes every click queued so far and returns when they are stored,
// or when ctx ends. Tests use it to read their clicks back at once.
func (b *ClickBuffer) Flush(ctx context.Context) error {
	reply := make(chan struct{})
	select {
	case b.flushNow <- reply:
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-reply:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops Run after it has flushed every queued click, or gives up when
// ctx ends first.
func (b *ClickBuffer) Close(ctx context.Context) error {
	b.stopOnce.Do(func() { close(b.stop) })
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
