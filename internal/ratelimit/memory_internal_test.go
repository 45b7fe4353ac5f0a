package ratelimit

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// keys counts the keys held.
func (m *Memory) keys() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.full)
		s.mu.Unlock()
	}
	return n
}

func TestMemorySweepsIdleKeys(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	m := NewMemory(func() time.Time { return now })
	lim := Limit{Count: 5, Per: time.Minute}
	for i := range 1000 {
		m.Allow(context.Background(), fmt.Sprint("k", i), lim)
	}
	if n := m.keys(); n != 1000 {
		t.Fatalf("%d keys, want 1000", n)
	}
	now = now.Add(2 * time.Minute)   // every bucket is full again
	for i := range shardCount * 50 { // touch every shard
		m.Allow(context.Background(), fmt.Sprint("new", i), Limit{Count: 1, Per: time.Second})
	}
	if n := m.keys(); n > shardCount*50 {
		t.Fatalf("%d keys after the sweep, want the 1000 idle ones gone", n)
	}
}

func TestMemoryStaysBounded(t *testing.T) {
	m := NewMemory(nil)
	lim := Limit{Count: 5, Per: time.Hour}
	for i := range shardCount*maxShardKeys + 50_000 {
		m.Allow(context.Background(), fmt.Sprint("flood", i), lim)
	}
	if n := m.keys(); n > shardCount*maxShardKeys {
		t.Fatalf("%d keys, want at most %d", n, shardCount*maxShardKeys)
	}
}
