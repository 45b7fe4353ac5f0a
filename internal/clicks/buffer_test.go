package clicks_test

import (
	"context"
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

func (r *refusing) write(ctx context.Context, c []referralhub.Click) error {
	for _, click := range c {
		if r.bad[click.ID] {
			return fmt.Errorf("refused %s", click.ID)
		}
	}
	return r.sink.write(ctx, c)
}

func TestClickBufferLosesOnlyTheClicksTheDatabaseRefuses(t *testing.T) {
	r := &refusing{bad: map[string]bool{"13": true, "600": true}}
	b := clicks.NewBuffer(clicks.BufferConfig{Capacity: 2000, BatchSize: 1000, FlushInterval: time.Hour},
		slog.New(slog.NewTextHandler(io.Discard, nil)), r.write)
	go b.Run()
	for i := range 1000 {
		b.Add(referralhub.Click{ID: fmt.Sprint(i)})
	}
	b.Close(context.Background())
	if st := b.Stats(); r.count() != 998 || st.Flushed != 998 || st.Dropped != 2 {
		t.Fatalf("stored %d, stats %+v; want 998 stored and the 2 refused dropped", r.count(), st)
	}
}

func TestClickBufferGivesUpQuicklyWhenTheDatabaseIsDown(t *testing.T) {
	writes := 0
	down := func(context.Context, []referralhub.Click) error { writes++; return fmt.Errorf("connection refused") }
	b := clicks.NewBuffer(clicks.BufferConfig{Capacity: 20000, BatchSize: 10000, FlushInterval: time.Hour},
		slog.New(slog.NewTextHandler(io.Discard, nil)), down)
	go b.Run()
	for i := range 10000 {
		b.Add(referralhub.Click{ID: fmt.Sprint(i)})
	}
	b.Close(context.Background())
	if st := b.Stats(); st.Dropped != 10000 || st.Flushed != 0 || writes > 3+64 {
		t.Fatalf("stats %+v after %d writes; want all 10000 dropped within 67 writes", st, writes)
	}
}
