package clicks_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// store is a database whose outages a test controls: on PostgreSQL a real
// one (the server's port closed through a proxy), on SQLite, whose file
// cannot go away, a write that fails as an unreachable database does.
type store struct {
	db       *storage.DB
	write    func(context.Context, []referralhub.Click) error
	down, up func()
	owner    referralhub.Participant
}

func eachStore(t *testing.T, fn func(t *testing.T, s *store)) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			s := &store{}
			if engine == "postgres" {
				o := storagetest.OpenOutage(t, engine)
				s.db, s.write, s.down, s.up = o.DB, o.DB.InsertClicks, o.Begin, func() { o.End(t) }
			} else {
				var isDown atomic.Bool
				s.db = storagetest.Open(t, engine)
				s.down, s.up = func() { isDown.Store(true) }, func() { isDown.Store(false) }
				s.write = func(ctx context.Context, c []referralhub.Click) error {
					if isDown.Load() {
						return referralhub.Unavailable(errors.New("dial tcp: connection refused"))
					}
					return s.db.InsertClicks(ctx, c)
				}
			}
			s.owner = s.participant(t)
			fn(t, s)
		})
	}
}

// participant makes the owner of the clicks.
func (s *store) participant(t *testing.T) referralhub.Participant {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	u := referralhub.User{Email: "alice@example.com", Username: "alice", CreatedAt: now}
	p := referralhub.Participant{Code: "alicecod", CreatedAt: now, LastSeenAt: now}
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.CreateUser(ctx, &u, "hash"); err != nil {
			return err
		}
		p.UserID = u.ID
		return q.CreateParticipant(ctx, &p)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// buffer starts a buffer over s with a spool in dir, memory for memory
// clicks, closed at cleanup.
func (s *store) buffer(t *testing.T, dir string, memory int) *clicks.Buffer {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	spool, err := clicks.OpenSpool(clicks.SpoolConfig{Dir: dir}, log)
	if err != nil {
		t.Fatal(err)
	}
	b := clicks.NewBuffer(clicks.BufferConfig{Capacity: 5000, MemoryLimit: memory, BatchSize: 100, FlushInterval: 50 * time.Millisecond,
		Spool: spool, Refused: s.db.Refused}, log, s.write)
	go b.Run()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		b.Close(ctx)
	})
	return b
}

// add offers n clicks numbered from first.
func (s *store) add(t *testing.T, b *clicks.Buffer, first, n int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		if !b.Add(referralhub.Click{ID: fmt.Sprintf("k%05d", i), ParticipantID: s.owner.ID, Code: s.owner.Code, CreatedAt: time.Now()}) {
			t.Fatalf("click %d refused", i)
		}
	}
}

// stored checks the database holds want clicks, each counted once.
func (s *store) stored(t *testing.T, want int64) {
	t.Helper()
	ctx := context.Background()
	n, err := s.db.Read().CountClicks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.db.Read().Participant(ctx, s.owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n != want || p.ClickCount != want {
		t.Fatalf("%d clicks stored and %d counted, want %d", n, p.ClickCount, want)
	}
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func flush(t *testing.T, b *clicks.Buffer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestOutageSpillsToTheSpoolAndLosesNothing: with the database down, the
// buffer keeps every click, memory up to its bound and the rest in the
// spool only, and its gauge counts all of them; once the database is
// back, every click is stored and counted once, and the spool is empty.
func TestOutageSpillsToTheSpoolAndLosesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store) {
		b := s.buffer(t, t.TempDir(), 200)
		s.add(t, b, 0, 100)
		flush(t, b)
		s.stored(t, 100)

		s.down()
		s.add(t, b, 100, 2000)
		waitFor(t, "the clicks to reach the spool", func() bool { return b.Stats().Spooled >= 2000-2*200 })
		if st := b.Stats(); st.Pending != 2000 || st.SpoolBytes == 0 || st.Dropped != 0 {
			t.Fatalf("during the outage: %+v; want all 2000 pending, most in the spool", st)
		}
		s.up()
		flush(t, b)
		s.stored(t, 2100)
		if st := b.Stats(); st.Pending != 0 || st.Spooled != 0 || st.SpoolBytes != 0 || st.Flushed != 2100 {
			t.Fatalf("after the outage: %+v", st)
		}
	})
}

// TestSpoolIsReplayedOnceAfterRestart: clicks a process left in the spool
// (the database was down when it stopped) are stored by the next one,
// which counts them pending at once; files replayed a second time (a
// crash between storing and deleting them) are stored and counted once.
func TestSpoolIsReplayedOnceAfterRestart(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store) {
		dir := t.TempDir()
		s.down()
		first := s.buffer(t, dir, 1000)
		s.add(t, first, 0, 500)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := first.Close(ctx); err != nil {
			t.Fatalf("close with the database down: %v (the spool keeps the clicks: no need to wait)", err)
		}
		files := copyFiles(t, filepath.Join(dir, "0"), t.TempDir())
		if len(files) == 0 {
			t.Fatal("nothing left in the spool")
		}

		s.up()
		second := s.buffer(t, dir, 1000)
		if st := second.Stats(); st.Pending != 500 || st.Spooled != 500 {
			t.Fatalf("at start: %+v, want the 500 left in the spool pending", st)
		}
		flush(t, second)
		s.stored(t, 500)

		if err := second.Close(ctx); err != nil {
			t.Fatal(err)
		}
		copyFiles(t, filepath.Dir(files[0]), filepath.Join(dir, "0"))
		third := s.buffer(t, dir, 1000)
		if st := third.Stats(); st.Pending != 500 {
			t.Fatalf("replaying the same files again: %+v, want 500 pending", st)
		}
		flush(t, third)
		s.stored(t, 500)
	})
}

// copyFiles copies the spool files of dir into to and returns the copies.
func copyFiles(t *testing.T, dir, to string) []string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.clicks"))
	var out []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(to, filepath.Base(p))
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out = append(out, dst)
	}
	return out
}

// TestReadySaysWhenTheSpoolCannotTakeClicks: a buffer whose spool is at
// its size limit keeps taking clicks (in memory) but says it is not ready,
// so a load balancer can send links elsewhere; it is ready again once the
// spool has room.
func TestReadySaysWhenTheSpoolCannotTakeClicks(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	spool, err := clicks.OpenSpool(clicks.SpoolConfig{Dir: t.TempDir(), MaxBytes: 1}, log)
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{}
	b := clicks.NewBuffer(clicks.BufferConfig{Capacity: 100, BatchSize: 10, FlushInterval: 10 * time.Millisecond, Spool: spool}, log, s.write)
	go b.Run()
	defer b.Close(context.Background())
	if err := b.Ready(); err != nil {
		t.Fatalf("an empty spool: %v", err)
	}
	b.Add(referralhub.Click{ID: "1"}) // its file takes the spool past its limit
	waitFor(t, "the first click to be stored", func() bool { return s.count() == 1 })
	b.Add(referralhub.Click{ID: "2"}) // its file was deleted: the spool is empty again
	waitFor(t, "the second click to be stored", func() bool { return s.count() == 2 })
	// The file is deleted just after the write returns: wait for it.
	waitFor(t, "the spool to have room again", func() bool { return b.Ready() == nil })

	s.block = make(chan struct{}) // the database stalls: the first file stays
	b.Add(referralhub.Click{ID: "3"})
	b.Add(referralhub.Click{ID: "4"})
	waitFor(t, "the spool to be full", func() bool { return b.Ready() != nil })
	if err := b.Ready(); !strings.Contains(err.Error(), "size limit") {
		t.Fatalf("Ready = %v", err)
	}
	close(s.block)
	if err := b.Flush(context.Background()); err != nil || s.count() != 4 {
		t.Fatalf("flush: %v, %d stored; want all 4", err, s.count())
	}
}
