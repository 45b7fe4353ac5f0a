package cache

import (
	"errors"
	"sync"
	"sync/atomic"
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

// TestLoadMakesAMissingEntryOnce checks that callers who miss the same key
// at once share one call of the function, that its value is stored, and
// that a failure is neither stored nor handed to the callers who waited.
func TestLoadMakesAMissingEntryOnce(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New[string, int](time.Minute, 10)
	const callers = 8
	var calls atomic.Int32
	release := make(chan struct{})
	fn := func() (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	got := make([]int, callers)
	for i := range callers {
		wg.Go(func() {
			v, err := c.Load("k", t0, fn)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	for !c.inFlight("k") {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the others reach the wait
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("fn ran %d times for %d callers, want 1", n, callers)
	}
	for i, v := range got {
		if v != 42 {
			t.Errorf("caller %d got %d, want 42", i, v)
		}
	}
	if v, ok := c.Get("k", t0.Add(time.Second)); !ok || v != 42 {
		t.Errorf("stored %d, %v; want 42", v, ok)
	}

	failed := errors.New("cancelled")
	first := make(chan struct{})
	go func() {
		c.Load("f", t0, func() (int, error) { <-first; return 0, failed })
	}()
	for !c.inFlight("f") {
		time.Sleep(time.Millisecond)
	}
	done := make(chan int)
	go func() {
		v, _ := c.Load("f", t0, func() (int, error) { return 7, nil })
		done <- v
	}()
	time.Sleep(20 * time.Millisecond)
	close(first)
	if v := <-done; v != 7 {
		t.Errorf("a waiter after a failed load got %d, want its own 7", v)
	}
}

// inFlight reports whether a Load of k is running.
func (c *Cache[K, V]) inFlight(k K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.loading[k]
	return ok
}
