package core

import (
	"slices"
	"testing"
	"time"
)

func TestIPHashRotatesWithItsPeriod(t *testing.T) {
	h := newIPHasher([]byte("k"), 24*time.Hour)
	day := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	a, b := h.Hash("192.0.2.1", day), h.Hash("192.0.2.1", day.Add(20*time.Hour))
	if a != b || a == h.Hash("192.0.2.2", day) {
		t.Fatal("hashes within one period must match for one address only")
	}
	next := h.Hash("192.0.2.1", day.Add(24*time.Hour))
	if next == a {
		t.Fatal("the salt did not rotate")
	}
	within := h.HashesWithin("192.0.2.1", day, day.Add(24*time.Hour))
	if len(within) != 2 || !slices.Contains(within, a) || !slices.Contains(within, next) {
		t.Fatalf("HashesWithin = %v", within)
	}
	if other := newIPHasher([]byte("other"), 24*time.Hour).Hash("192.0.2.1", day); other == a {
		t.Fatal("the hash does not depend on the key")
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
