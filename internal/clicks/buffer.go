package clicks

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/referralhub/referralhub"
)

// Buffer queues clicks in memory and writes them in batches from one
// goroutine, so the redirect never waits for the database. A full buffer
// drops the click (counted), never blocks; the attribution survives in the
// visitor's cookie either way.
type Buffer struct {
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

// BufferConfig sizes a Buffer.
type BufferConfig struct {
	Capacity      int           // clicks held before new ones are dropped
	BatchSize     int           // clicks per insert
	FlushInterval time.Duration // longest a click waits
}

// NewBuffer returns a buffer that stores batches with write. Call Run
// to start flushing and Close to flush what is left.
func NewBuffer(cfg BufferConfig, log *slog.Logger, write func(context.Context, []referralhub.Click) error) *Buffer {
	return &Buffer{
		write: write, queue: make(chan referralhub.Click, cfg.Capacity),
		interval: cfg.FlushInterval, batch: cfg.BatchSize, log: log,
		flushNow: make(chan chan struct{}), stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// Add queues c. It returns false, and counts a drop, when the buffer is full.
func (b *Buffer) Add(c referralhub.Click) bool {
	select {
	case b.queue <- c:
		b.buffered.Add(1)
		return true
	default:
		b.dropped.Add(1)
		return false
	}
}

// Stats are a Buffer's counters since start.
type Stats struct{ Buffered, Flushed, Dropped, Pending int64 }

// Stats returns the buffer's counters.
func (b *Buffer) Stats() Stats {
	return Stats{Buffered: b.buffered.Load(), Flushed: b.flushed.Load(),
		Dropped: b.dropped.Load(), Pending: int64(len(b.queue))}
}

// Run flushes batches until Close is called, then flushes what is left.
func (b *Buffer) Run() {
	defer close(b.done)
	ticker := time.NewTicker(b.interval)
	defer ticker.Stop()
	pending := make([]referralhub.Click, 0, b.batch)
	var reported int64 // drops already logged
	for {
		select {
		case c := <-b.queue:
			pending = b.add(pending, c)
		case <-ticker.C:
			pending = b.flush(pending)
			reported = b.reportDrops(reported)
		case reply := <-b.flushNow:
			pending = b.drain(pending)
			close(reply)
		case <-b.stop:
			b.drain(pending)
			return
		}
	}
}

// reportDrops logs clicks dropped since the last report, so a buffer that
// is too small for the traffic shows up in the log.
func (b *Buffer) reportDrops(reported int64) int64 {
	dropped := b.dropped.Load()
	if dropped > reported {
		b.log.Warn("click buffer dropped clicks", "since_last_report", dropped-reported, "total", dropped)
	}
	return dropped
}

// add appends c to pending, writing the batch once it is full.
func (b *Buffer) add(pending []referralhub.Click, c referralhub.Click) []referralhub.Click {
	pending = append(pending, c)
	if len(pending) >= b.batch {
		return b.flush(pending)
	}
	return pending
}

// drain writes pending and everything still queued, and returns the
// emptied slice.
func (b *Buffer) drain(pending []referralhub.Click) []referralhub.Click {
	for {
		select {
		case c := <-b.queue:
			pending = b.add(pending, c)
		default:
			return b.flush(pending)
		}
	}
}

// flush writes pending and returns the emptied slice for reuse.
func (b *Buffer) flush(pending []referralhub.Click) []referralhub.Click {
	if len(pending) > 0 {
		b.store(pending)
	}
	return pending[:0]
}

// writeAttempts is how often a whole batch is tried before it is split.
const writeAttempts = 3

// bisectBudget bounds the extra writes spent narrowing a failed batch down:
// enough to isolate a few bad clicks in 10,000 (about 28 writes each), few
// enough that a database outage fails fast.
const bisectBudget = 64

// store writes clicks, trying writeAttempts times, and bisects a batch that
// still fails.
func (b *Buffer) store(clicks []referralhub.Click) {
	if err := b.write1(clicks, writeAttempts); err != nil {
		budget := bisectBudget
		b.bisect(clicks, err, &budget)
		return
	}
	b.flushed.Add(int64(len(clicks)))
}

// bisect handles a batch that just failed with err: it writes each half once
// and narrows down to the clicks the database refuses, so one bad click
// costs only itself. Every click ends up flushed or dropped (counted and
// logged); when the budget runs out, the rest is dropped.
func (b *Buffer) bisect(clicks []referralhub.Click, err error, budget *int) {
	if len(clicks) == 1 {
		b.drop(clicks, err)
		return
	}
	mid := len(clicks) / 2
	for _, half := range [][]referralhub.Click{clicks[:mid], clicks[mid:]} {
		if *budget <= 0 {
			b.drop(half, err)
			continue
		}
		*budget--
		if herr := b.write1(half, 1); herr != nil {
			b.bisect(half, herr, budget)
		} else {
			b.flushed.Add(int64(len(half)))
		}
	}
}

func (b *Buffer) drop(clicks []referralhub.Click, err error) {
	b.dropped.Add(int64(len(clicks)))
	b.log.Error("dropping clicks the database refused", "clicks", len(clicks), "err", err)
}

// write1 calls write up to attempts times, pausing between tries.
func (b *Buffer) write1(clicks []referralhub.Click, attempts int) error {
	var err error
	for i := range attempts {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = b.write(ctx, clicks)
		cancel()
		if err == nil {
			return nil
		}
		if i+1 < attempts {
			time.Sleep(time.Duration(i+1) * 200 * time.Millisecond)
		}
	}
	return err
}

// Flush writes every click queued so far and returns when they are stored,
// or when ctx ends. Tests use it to read their clicks back at once.
func (b *Buffer) Flush(ctx context.Context) error {
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
func (b *Buffer) Close(ctx context.Context) error {
	b.stopOnce.Do(func() { close(b.stop) })
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
