package clicks

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/referralhub/referralhub"
)

// Buffer takes clicks from the redirect without waiting and stores them in
// the database in batches, so the redirect never waits for the database.
// Every click it accepts goes to its spool (when it has one) before the
// database, and no click is given up for an outage:
//   - while the database is down or slow, the batch is tried again, with
//     backoff, for as long as it takes;
//   - past the memory bound, clicks wait in the spool only;
//   - after a crash, the next process writes what the spool holds.
//
// Only rows the database refuses as invalid are dropped (counted and
// logged), and clicks offered while every place is full.
type Buffer struct {
	write    func(context.Context, []referralhub.Click) error
	refused  func(error) bool
	spool    *Spool // nil: clicks wait in memory only
	log      *slog.Logger
	interval time.Duration
	batch    int
	memLimit int

	queue    chan referralhub.Click
	flushReq chan chan uint64
	stop     chan struct{} // Close was called: write what is left, then end
	stopOnce sync.Once
	halt     context.Context // ends when Close gives up: stop at once
	haltNow  context.CancelFunc
	// journaled and stored are closed when the journal and the store loop
	// have ended.
	journaled, stored chan struct{}

	mu         sync.Mutex
	segs       []segment     // handed to the store loop, oldest first; removed once stored
	inMemory   int           // clicks the segments hold in memory
	lastQueued uint64        // the number of the newest segment handed over
	committed  uint64        // the number of the newest segment stored
	progress   chan struct{} // closed (and replaced) when a segment is handed over or stored
	spoolErr   error         // why the spool cannot take clicks now; nil when it can

	nextSeq uint64 // the journal's: the number of its next segment
	onDisk  bool   // the store loop's: the spool holds every click of the batch it writes

	accepted, rejected, adopted, flushed, refusedRows, spooled atomic.Int64
}

// BufferConfig sizes a Buffer.
type BufferConfig struct {
	// Capacity bounds the clicks waiting to be journaled (appended to the
	// spool); a click offered past it is dropped, counted. The journal
	// takes them within microseconds unless the disk stalls.
	Capacity int
	// MemoryLimit bounds the clicks held in memory for the database (0 is
	// Capacity): past it they wait in the spool only. Without a spool, the
	// journal waits for room instead, and the queue fills.
	MemoryLimit   int
	BatchSize     int           // clicks per insert
	FlushInterval time.Duration // longest a click waits before it is written
	// Spool, when set, keeps every click on disk until the database has it;
	// the buffer writes the clicks an earlier process left there first and
	// closes it in Close.
	Spool *Spool
	// Refused tells an error of a row the database refuses (a bad value, a
	// broken constraint), which is dropped, from an outage, which is tried
	// again; nil takes every error for an outage.
	Refused func(error) bool
}

// NewBuffer returns a buffer that stores batches with write. Call Run
// to start it and Close to flush what is left.
func NewBuffer(cfg BufferConfig, log *slog.Logger, write func(context.Context, []referralhub.Click) error) *Buffer {
	halt, haltNow := context.WithCancel(context.Background())
	b := &Buffer{
		write: write, refused: cfg.Refused, spool: cfg.Spool, log: log,
		interval: cfg.FlushInterval, batch: cfg.BatchSize, memLimit: cmp.Or(cfg.MemoryLimit, cfg.Capacity),
		queue: make(chan referralhub.Click, cfg.Capacity), flushReq: make(chan chan uint64),
		stop: make(chan struct{}), halt: halt, haltNow: haltNow,
		journaled: make(chan struct{}), stored: make(chan struct{}), progress: make(chan struct{}),
		nextSeq: 1,
	}
	if b.refused == nil {
		b.refused = func(error) bool { return false }
	}
	if b.spool != nil {
		b.adoptLeftovers()
	}
	return b
}

// adoptLeftovers queues the clicks earlier processes left in the spool,
// before any new one.
func (b *Buffer) adoptLeftovers() {
	var n int64
	for _, seg := range b.spool.left {
		b.segs = append(b.segs, seg)
		b.lastQueued = seg.seq
		n += int64(seg.n)
	}
	b.nextSeq = max(b.spool.next, b.lastQueued+1)
	b.adopted.Store(n)
	b.spooled.Store(n)
	if n > 0 {
		b.log.Info("click spool: writing the clicks an earlier process left", "clicks", n, "files", len(b.segs))
	}
}

// Add queues c. It returns false, and counts a drop, when the buffer is full.
func (b *Buffer) Add(c referralhub.Click) bool {
	select {
	case b.queue <- c:
		b.accepted.Add(1)
		return true
	default:
		b.rejected.Add(1)
		return false
	}
}

// Stats are a Buffer's counters since start.
type Stats struct {
	Buffered int64 // clicks accepted
	Flushed  int64 // clicks stored in the database
	Dropped  int64 // clicks offered while the buffer was full, and rows the database refused
	// Pending is every click not yet stored: in memory and in the spool,
	// including those an earlier process left there.
	Pending int64
	// Spooled is the part of Pending that only the spool holds.
	Spooled    int64
	SpoolBytes int64 // the size of the spool's files
}

// Stats returns the buffer's counters.
func (b *Buffer) Stats() Stats {
	s := Stats{Buffered: b.accepted.Load(), Flushed: b.flushed.Load(), Spooled: b.spooled.Load(),
		Dropped: b.rejected.Load() + b.refusedRows.Load()}
	s.Pending = s.Buffered + b.adopted.Load() - s.Flushed - b.refusedRows.Load()
	if b.spool != nil {
		s.SpoolBytes = b.spool.Bytes()
	}
	return s
}

// Ready reports whether the buffer keeps the clicks it takes: nil unless
// the spool cannot be written (a full disk, its size limit) or the buffer
// is full. The database plays no part: clicks wait for it.
func (b *Buffer) Ready() error {
	b.mu.Lock()
	err := b.spoolErr
	b.mu.Unlock()
	switch {
	case err != nil:
		return fmt.Errorf("click spool: %w", err)
	case len(b.queue) == cap(b.queue):
		return errors.New("click buffer full")
	}
	return nil
}

// Run writes clicks to the spool and the database until Close is called,
// then writes what is left, and returns.
func (b *Buffer) Run() {
	go b.storeLoop()
	b.journal()
	<-b.stored
}

// Flush writes every click accepted so far and returns when they are
// stored, or when ctx ends. Tests use it to read their clicks back at once.
func (b *Buffer) Flush(ctx context.Context) error {
	reply := make(chan uint64, 1)
	var target uint64
	select {
	case b.flushReq <- reply:
		target = <-reply
	case <-b.journaled:
		b.mu.Lock()
		target = b.lastQueued
		b.mu.Unlock()
	case <-ctx.Done():
		return ctx.Err()
	}
	for {
		b.mu.Lock()
		done, progress := b.committed >= target, b.progress
		b.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-progress:
		case <-b.stored:
			return errors.New("click buffer closed before every click was stored")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close stops Run after it has stored every click, or gives up when ctx
// ends first (Run must have been started): then what is unwritten stays in the spool for the next
// process (without a spool it is lost), and the log says how much.
func (b *Buffer) Close(ctx context.Context) error {
	b.stopOnce.Do(func() { close(b.stop) })
	var err error
	select {
	case <-b.stored:
	case <-ctx.Done():
		err = ctx.Err()
	}
	b.haltNow()
	<-b.journaled
	<-b.stored
	b.reportLeft()
	return errors.Join(err, b.closeSpool())
}

func (b *Buffer) closeSpool() error {
	if b.spool == nil {
		return nil
	}
	return b.spool.Close()
}

// reportLeft logs the clicks a closed buffer did not store.
func (b *Buffer) reportLeft() {
	b.mu.Lock()
	var kept, lost int
	for _, seg := range b.segs {
		if seg.file != "" {
			kept += seg.n
		} else {
			lost += seg.n
		}
	}
	b.mu.Unlock()
	lost += len(b.queue)
	if kept > 0 {
		b.log.Warn("click spool: clicks not stored yet stay in the spool for the next start", "clicks", kept)
	}
	if lost > 0 {
		b.log.Error("clicks lost: not stored, and not in a spool", "clicks", lost)
	}
}

// notify wakes whoever waits for progress; call with mu held.
func (b *Buffer) notify() {
	close(b.progress)
	b.progress = make(chan struct{})
}
