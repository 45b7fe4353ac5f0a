package core_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
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
	b := core.NewClickBuffer(core.ClickBufferConfig{Capacity: 1000, BatchSize: 100, FlushInterval: time.Hour},
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
	b := core.NewClickBuffer(core.ClickBufferConfig{Capacity: 5, BatchSize: 1, FlushInterval: time.Hour},
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
