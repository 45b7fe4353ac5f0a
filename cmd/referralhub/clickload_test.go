package main

import (
	"context"
	"encoding/base32"
	"encoding/binary"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// clickLoad follows a referral link from many clients at once, as fast as
// the server answers, and keeps the click id of every click served: each
// 302 carrying an attribution cookie.
type clickLoad struct {
	stop   chan struct{}
	done   sync.WaitGroup
	failed atomic.Int64 // requests that got no 302 (refused, reset)

	mu     sync.Mutex
	served []string
}

// startClickLoad starts workers clients clicking base/r/code.
func startClickLoad(base, code string, workers int) *clickLoad {
	return startPacedClickLoad(base, code, workers, 0)
}

// startPacedClickLoad starts workers clients clicking base/r/code, rate
// clicks a second between them at most (0: as fast as the server answers).
func startPacedClickLoad(base, code string, workers, rate int) *clickLoad {
	l := &clickLoad{stop: make(chan struct{})}
	var tokens chan struct{}
	if rate > 0 {
		tokens = make(chan struct{})
		l.done.Go(func() { pace(tokens, rate, l.stop) })
	}
	transport := &http.Transport{MaxIdleConnsPerHost: workers}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range workers {
		l.done.Go(func() {
			for {
				if tokens == nil {
					select {
					case <-l.stop:
						return
					default:
					}
				} else {
					select {
					case <-l.stop:
						return
					case <-tokens:
					}
				}
				l.click(client, base+"/r/"+code)
			}
		})
	}
	return l
}

// pace hands out rate tokens a second, in ticks of 10 ms, until stop.
func pace(tokens chan<- struct{}, rate int, stop <-chan struct{}) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	begun, given := time.Now(), 0
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		for due := int(time.Since(begun).Seconds() * float64(rate)); given < due; given++ {
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return
			}
		}
	}
}

func (l *clickLoad) click(client *http.Client, link string) {
	resp, err := client.Get(link)
	if err != nil {
		l.failed.Add(1)
		time.Sleep(10 * time.Millisecond)
		return
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if parts := strings.Split(c.Value, "."); c.Name == "rh_ref" && resp.StatusCode == http.StatusFound && len(parts) == 4 {
			l.mu.Lock()
			l.served = append(l.served, parts[1])
			l.mu.Unlock()
			return
		}
	}
	l.failed.Add(1)
}

// count is the number of clicks served so far.
func (l *clickLoad) count() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.served) }

// end stops the clients and returns the ids of the clicks served.
func (l *clickLoad) end() []string {
	close(l.stop)
	l.done.Wait()
	return l.served
}

// clickTime is the moment a click id was made: its first 48 bits are
// milliseconds since 1970.
func clickTime(id string) time.Time {
	b, err := base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding).DecodeString(id)
	if err != nil || len(b) < 8 {
		return time.Time{}
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(b[:8]) >> 16))
}

// missing waits up to wait for every served click to be stored in the
// database at dbURL, and returns those that never were, and how many
// clicks the database holds.
func missing(t *testing.T, dbURL string, served []string, wait time.Duration) (lost []string, stored int64) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Wait until every click is there, or the count has stood still for
	// 12 seconds (past the flusher's longest wait between retries).
	last, since := int64(-1), time.Now()
	for deadline := time.Now().Add(wait); ; time.Sleep(250 * time.Millisecond) {
		if stored, err = db.Read().CountClicks(ctx); err != nil {
			t.Fatal(err)
		}
		if stored != last {
			last, since = stored, time.Now()
		}
		if stored >= int64(len(served)) || time.Now().After(deadline) || time.Since(since) > 12*time.Second {
			break
		}
	}
	for _, id := range served {
		if _, err := db.Read().ClickByID(ctx, id); err != nil {
			lost = append(lost, id)
		}
	}
	return lost, stored
}
