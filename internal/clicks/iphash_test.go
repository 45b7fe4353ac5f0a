package clicks

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// memorySalts is a salt store for tests of the hasher alone.
type memorySalts struct {
	mu sync.Mutex
	m  map[int64][]byte
}

func (s *memorySalts) load(_ context.Context, epoch int64, create bool) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if salt, ok := s.m[epoch]; ok {
		return salt, true, nil
	}
	if !create {
		return nil, false, nil
	}
	s.m[epoch] = newSalt()
	return s.m[epoch], true, nil
}

func TestIPHashRotatesWithItsPeriod(t *testing.T) {
	ctx := context.Background()
	store := &memorySalts{m: map[int64][]byte{}}
	h := NewIPHasher(24*time.Hour, store.load)
	day := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	if h.Hash(ctx, "192.0.2.1", day) != "" {
		t.Fatal("hashed without a salt")
	}
	if err := h.Ensure(ctx, day); err != nil {
		t.Fatal(err)
	}
	a, b := h.Hash(ctx, "192.0.2.1", day), h.Hash(ctx, "192.0.2.1", day.Add(20*time.Hour))
	if a == "" || a != b || a == h.Hash(ctx, "192.0.2.2", day) {
		t.Fatal("hashes within one period must match for one address only")
	}
	next := h.Hash(ctx, "192.0.2.1", day.Add(24*time.Hour)) // ensure made the next period's salt too
	if next == "" || next == a {
		t.Fatal("the salt did not rotate")
	}
	within := h.HashesWithin(ctx, "192.0.2.1", day.Add(-24*time.Hour), day.Add(24*time.Hour))
	if len(within) != 2 || !slices.Contains(within, a) || !slices.Contains(within, next) {
		t.Fatalf("HashesWithin = %v (a period without a salt is skipped)", within)
	}
	// Another installation (another salt store) hashes differently.
	other := NewIPHasher(24*time.Hour, (&memorySalts{m: map[int64][]byte{}}).load)
	other.Ensure(ctx, day)
	if other.Hash(ctx, "192.0.2.1", day) == a {
		t.Fatal("the hash does not depend on the salt")
	}
}

func TestSubnet(t *testing.T) {
	for ip, want := range map[string]string{
		"192.0.2.77":          "192.0.2.0/24",
		"2001:db8:1:2:3::4":   "2001:db8:1:2::/64",
		"::ffff:198.51.100.9": "198.51.100.0/24",
		"junk":                "junk",
	} {
		if got := Subnet(ip); got != want {
			t.Errorf("Subnet(%q) = %q, want %q", ip, got, want)
		}
	}
}

// slowSalts is a salt store whose reads of one epoch hang until released,
// like a database that stalls; it counts those reads.
type slowSalts struct {
	memorySalts
	slow     int64
	started  chan struct{}
	release  chan struct{}
	slowHits atomic.Int32
}

func (s *slowSalts) load(ctx context.Context, epoch int64, create bool) ([]byte, bool, error) {
	if epoch == s.slow && !create {
		s.slowHits.Add(1)
		s.started <- struct{}{}
		<-s.release
	}
	return s.memorySalts.load(ctx, epoch, create)
}

// TestIPHashWaitsNeitherForAnotherPeriodNorPastItsContext: while the salt
// of one period is being read from a stalled database, a hash in another
// period, and a click whose context has ended, return at once; the stalled
// read is not made again and its salt is kept for the next hash.
func TestIPHashWaitsNeitherForAnotherPeriodNorPastItsContext(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	old := day.Add(-48 * time.Hour) // a period a window check looks back to
	store := &slowSalts{memorySalts: memorySalts{m: map[int64][]byte{}}, started: make(chan struct{}, 1), release: make(chan struct{})}
	h := NewIPHasher(24*time.Hour, store.load)
	store.slow = h.Epoch(old)
	store.m[h.Epoch(old)] = newSalt()
	store.m[h.Epoch(day.Add(-24*time.Hour))] = newSalt()
	if err := h.Ensure(ctx, day); err != nil {
		t.Fatal(err)
	}

	stalled := make(chan string, 1)
	go func() { stalled <- h.Hash(ctx, "192.0.2.1", old) }()
	<-store.started

	prompt := func(what string, f func() string) string {
		t.Helper()
		got := make(chan string, 1)
		go func() { got <- f() }()
		select {
		case s := <-got:
			return s
		case <-time.After(2 * time.Second):
			t.Fatalf("%s waited for another period's stalled read", what)
			return ""
		}
	}
	if prompt("a hash in another period", func() string { return h.Hash(ctx, "192.0.2.1", day.Add(-24*time.Hour)) }) == "" {
		t.Error("the other period's salt was not read")
	}
	if prompt("the next period's hash", func() string { return h.Hash(ctx, "192.0.2.1", day.Add(24*time.Hour)) }) == "" {
		t.Error("the next period's salt, made by Ensure, was lost")
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if got := prompt("a click whose context ended", func() string { return h.Hash(gone, "192.0.2.1", old) }); got != "" {
		t.Errorf("hash with an ended context = %q, want none", got)
	}

	close(store.release)
	want := hashWith(store.m[h.Epoch(old)], "192.0.2.1")
	if got := <-stalled; got != want {
		t.Fatalf("the waiter of the stalled read got %q, want %q", got, want)
	}
	if h.Hash(ctx, "192.0.2.1", old) != want || store.slowHits.Load() != 1 {
		t.Fatalf("the stalled period was read %d times, want once, its salt kept", store.slowHits.Load())
	}
}
