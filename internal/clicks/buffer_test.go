package clicks_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
)

// sink records the batches a buffer writes.
type sink struct {
	mu      sync.Mutex
	clicks  []referralhub.Click
	batches int
	block   chan struct{}
}

func (s *sink) write(_ context.Context, c []referralhub.Click) error {
	if s.block != nil {
		<-s.block
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clicks = append(s.clicks, c...)
	s.batches++
	return nil
}

func (s *sink) count() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.clicks) }

func TestClickBufferFlushesEverythingOnClose(t *testing.T) {
	s := &sink{}
	b := clicks.NewBuffer(clicks.BufferConfig{Capacity: 1000, BatchSize: 100, FlushInterval: time.Hour},
		slog.New(slog.NewTextHandler(io.Discard, nil)), s.write)
	go b.Run()
	for i := range 250 {
		if !b.Add(referralhub.Click{ID: fmt.Sprint(i)}) {
			t.Fatal("buffer refused a click with room to spare")
		}
	}
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.count() != 250 || s.batches < 3 {
		t.Fatalf("wrote %d clicks in %d batches, want 250 in at least 3", s.count(), s.batches)
	}
	if st := b.Stats(); st.Flushed != 250 || st.Dropped != 0 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestClickBufferDropsWhenFullWithoutBlocking(t *testing.T) {
	s := &sink{block: make(chan struct{})}
	b := clicks.NewBuffer(clicks.BufferConfig{Capacity: 5, BatchSize: 1, FlushInterval: time.Hour},
		slog.New(slog.NewTextHandler(io.Discard, nil)), s.write)
	go b.Run()
	dropped := 0
	for i := range 50 {
		if !b.Add(referralhub.Click{ID: fmt.Sprint(i)}) {
			dropped++
		}
	}
	close(s.block)
	b.Close(context.Background())
	if dropped == 0 || int(b.Stats().Dropped) != dropped || s.count()+dropped != 50 {
		t.Fatalf("dropped %d, stats %+v, stored %d", dropped, b.Stats(), s.count())
	}
}

// refusing is a sink whose database refuses clicks with a given id, the way
// PostgreSQL refuses a bad byte: the whole statement fails.
type refusing struct {
	sink
	bad map[string]bool
}

var errRefused = errors.New("refused")

func (r *refusing) write(ctx context.Context, c []referralhub.Click) error {
	for _, click := range c {
		if r.bad[click.ID] {
			return fmt.Errorf("%w: %s", errRefused, click.ID)
		}
	}
	return r.sink.write(ctx, c)
}

func isRefused(err error) bool { return errors.Is(err, errRefused) }

func TestClickBufferLosesOnlyTheClicksTheDatabaseRefuses(t *testing.T) {
	r := &refusing{bad: map[string]bool{"13": true, "600": true}}
	b := clicks.NewBuffer(clicks.BufferConfig{Capacity: 2000, BatchSize: 1000, FlushInterval: time.Hour, Refused: isRefused},
		slog.New(slog.NewTextHandler(io.Discard, nil)), r.write)
	go b.Run()
	for i := range 1000 {
		b.Add(referralhub.Click{ID: fmt.Sprint(i)})
	}
	b.Close(context.Background())
	if st := b.Stats(); r.count() != 998 || st.Flushed != 998 || st.Dropped != 2 || st.Pending != 0 {
		t.Fatalf("stored %d, stats %+v; want 998 stored and the 2 refused dropped", r.count(), st)
	}
}

// flaky is a sink whose database is down until up is called: every write
// fails as an outage does, and is counted.
type flaky struct {
	sink
	mu     sync.Mutex
	down   bool
	writes int
}

func (f *flaky) write(ctx context.Context, c []referralhub.Click) error {
	f.mu.Lock()
	f.writes++
	down := f.down
	f.mu.Unlock()
	if down {
		return errors.New("connection refused")
	}
	return f.sink.write(ctx, c)
}

func (f *flaky) up() { f.mu.Lock(); f.down = false; f.mu.Unlock() }

// TestClickBufferWaitsOutAnOutage: while the database is down the buffer
// keeps every click, says they are pending, and tries again with backoff,
// not in a busy loop; once the database is back every click is stored,
// none dropped. (Before, a failed batch was bisected and dropped.)
func TestClickBufferWaitsOutAnOutage(t *testing.T) {
	f := &flaky{down: true}
	b := clicks.NewBuffer(clicks.BufferConfig{Capacity: 20000, BatchSize: 10000, FlushInterval: 20 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)), f.write)
	go b.Run()
	for i := range 10000 {
		b.Add(referralhub.Click{ID: fmt.Sprint(i)})
	}
	time.Sleep(2 * time.Second)
	f.mu.Lock()
	writes := f.writes
	f.mu.Unlock()
	if st := b.Stats(); st.Pending != 10000 || st.Dropped != 0 || writes < 2 || writes > 6 {
		t.Fatalf("during the outage: stats %+v after %d writes; want 10000 pending, none dropped, a few tries", st, writes)
	}
	f.up()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	b.Close(ctx)
	if st := b.Stats(); f.count() != 10000 || st.Flushed != 10000 || st.Dropped != 0 || st.Pending != 0 {
		t.Fatalf("after the outage: stored %d, stats %+v", f.count(), st)
	}
}

// benchmarkBuffer measures a click's way through a buffer to a database
// that takes everything at once: Add, and the journal and store loops.
func benchmarkBuffer(b *testing.B, spool *clicks.Spool) {
	buf := clicks.NewBuffer(clicks.BufferConfig{Capacity: 50_000, BatchSize: 10_000, FlushInterval: time.Second, Spool: spool},
		slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context, []referralhub.Click) error { return nil })
	go buf.Run()
	defer buf.Close(context.Background())
	c := referralhub.Click{ID: "01hzy3k6v4q8d9t2m5w7x0c1b3", ParticipantID: 123456, Code: "abcd2345", IPHash: "9f86d081884c7d659a2feaa0c55ad015",
		UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		Referer:   "https://www.instagram.com/", CreatedAt: time.Now()}
	b.ReportAllocs()
	for b.Loop() {
		for !buf.Add(c) {
			time.Sleep(time.Microsecond) // the queue is full: let the journal catch up
		}
	}
	if err := buf.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBufferMemoryOnly is the cost of a click without a spool.
func BenchmarkBufferMemoryOnly(b *testing.B) { benchmarkBuffer(b, nil) }

// BenchmarkBufferSpooled is the cost of a click written to the spool too.
func BenchmarkBufferSpooled(b *testing.B) {
	spool, err := clicks.OpenSpool(clicks.SpoolConfig{Dir: b.TempDir()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	benchmarkBuffer(b, spool)
}
