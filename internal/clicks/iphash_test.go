package clicks

import (
	"context"
	"slices"
	"sync"
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
