package cache

import (
	"testing"
	"time"
)

func TestExpiresForgetsAndStaysBounded(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New[string, int](time.Minute, 3)
	c.Put("a", 1, t0)
	if v, ok := c.Get("a", t0.Add(59*time.Second)); !ok || v != 1 {
		t.Fatalf("fresh entry: %v %v", v, ok)
	}
	if _, ok := c.Get("a", t0.Add(time.Minute)); ok {
		t.Fatal("expired entry returned")
	}
	c.Forget("a")
	if _, ok := c.Get("a", t0); ok {
		t.Fatal("forgotten entry returned")
	}
	for i, k := range []string{"a", "b", "c", "d"} {
		c.Put(k, i, t0)
	}
	if len(c.items) > 3 {
		t.Fatalf("%d entries, want at most 3", len(c.items))
	}
	if v, ok := c.Get("d", t0); !ok || v != 3 {
		t.Fatal("newest entry lost when the cache was full")
	}
}

func TestZeroTTLNeverExpires(t *testing.T) {
	c := New[int, string](0, 10)
	c.Put(1, "x", time.Time{})
	if _, ok := c.Get(1, time.Now().Add(1000*time.Hour)); !ok {
		t.Fatal("entry with no TTL expired")
	}
}

func TestClearForgetsAll(t *testing.T) {
	c := New[int, string](0, 10)
	c.Put(1, "x", time.Time{})
	c.Put(2, "y", time.Time{})
	c.Clear()
	if _, ok := c.Get(1, time.Time{}); ok {
		t.Fatal("entry kept after Clear")
	}
	if _, ok := c.Get(2, time.Time{}); ok {
		t.Fatal("entry kept after Clear")
	}
}
