package clicks_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"sync"
	"testing"

	"github.com/referralhub/referralhub/internal/clicks"
)

func TestMACIsHMACSHA256AndDoesNotAllocate(t *testing.T) {
	key := []byte("a key")
	m := clicks.NewMAC(key)
	for _, msg := range []string{"", "203.0.113.7", strings.Repeat("long ", 2000)} {
		want := hmac.New(sha256.New, key)
		want.Write([]byte(msg))
		if got := m.AppendString([]byte("x"), msg); !bytes.Equal(got, append([]byte("x"), want.Sum(nil)...)) {
			t.Fatalf("AppendString(%.20q) = %x", msg, got)
		}
		if got := m.Append(nil, []byte(msg)); !bytes.Equal(got, want.Sum(nil)) {
			t.Fatalf("Append(%.20q) = %x", msg, got)
		}
	}
	var wg sync.WaitGroup // concurrent use: run with -race
	for range 4 {
		wg.Go(func() {
			for range 100 {
				if got := m.AppendString(nil, "203.0.113.7"); len(got) != sha256.Size {
					t.Error(len(got))
				}
			}
		})
	}
	wg.Wait()
	if raceEnabled {
		return
	}
	var buf [sha256.Size]byte
	if n := testing.AllocsPerRun(100, func() { m.AppendString(buf[:0], "203.0.113.7") }); n != 0 {
		t.Errorf("%v allocations per MAC", n)
	}
}
