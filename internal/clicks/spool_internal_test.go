package clicks

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func openSpool(t *testing.T, dir string) *Spool {
	t.Helper()
	s, err := OpenSpool(SpoolConfig{Dir: dir}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// writeFile writes a spool file of n clicks numbered from first.
func writeFile(t *testing.T, s *Spool, seq uint64, first, n int) string {
	t.Helper()
	w, err := s.create(seq)
	if err != nil {
		t.Fatal(err)
	}
	for i := first; i < first+n; i++ {
		c := referralhub.Click{ID: fmt.Sprintf("k%d", i), ParticipantID: 7, Code: "abcdefgh", IPHash: "h",
			UserAgent: "Mozilla/5.0 ☃", Referer: "https://example.com/", CreatedAt: time.Unix(1700000000, int64(i)).UTC(), Bot: i%2 == 0}
		if err := w.append(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.finish(); err != nil {
		t.Fatal(err)
	}
	return s.path(seq)
}

func leftClicks(s *Spool) (n int) {
	for _, seg := range s.left {
		n += seg.n
	}
	return n
}

// TestSpoolFileRoundTripsAndSurvivesATornTail: a file reads back the
// clicks written, field for field; cut in the middle of a record (a crash
// while writing it), it reads back the records before the cut.
func TestSpoolFileRoundTripsAndSurvivesATornTail(t *testing.T) {
	s := openSpool(t, t.TempDir())
	path := writeFile(t, s, 1, 0, 3)
	got, torn, err := readSpoolFile(path)
	if err != nil || torn || len(got) != 3 {
		t.Fatalf("read %d clicks, torn %v, %v", len(got), torn, err)
	}
	want := referralhub.Click{ID: "k1", ParticipantID: 7, Code: "abcdefgh", IPHash: "h", UserAgent: "Mozilla/5.0 ☃",
		Referer: "https://example.com/", CreatedAt: time.Unix(1700000000, 1).UTC()}
	if got[1] != want || !got[0].Bot {
		t.Fatalf("read back %+v, want %+v", got[1], want)
	}
	info, _ := os.Stat(path)
	if err := os.Truncate(path, info.Size()-5); err != nil {
		t.Fatal(err)
	}
	got, torn, err = readSpoolFile(path)
	if err != nil || !torn || len(got) != 2 {
		t.Fatalf("torn file: read %d clicks, torn %v, %v; want the 2 whole ones", len(got), torn, err)
	}
}

// TestSpoolSlots: processes sharing a directory take a slot each; a slot
// whose process ended is reused with the files left in it, and the files
// of any other ended process are taken over; a running one's are not.
func TestSpoolSlots(t *testing.T) {
	dir := t.TempDir()
	a, b := openSpool(t, dir), openSpool(t, dir)
	if a.dir == b.dir {
		t.Fatalf("two spools share the slot %s", a.dir)
	}
	writeFile(t, a, 1, 0, 3)
	writeFile(t, b, 1, 100, 4)
	writeFile(t, b, 2, 200, 5)

	c := openSpool(t, dir)
	if len(c.left) != 0 {
		t.Fatalf("a third spool took over %d files of running ones", len(c.left))
	}
	b.Close()
	a.Close()
	d := openSpool(t, dir)
	if d.dir != a.dir || leftClicks(d) != 3+4+5 || d.next != 4 {
		t.Fatalf("after both ended: slot %s (a had %s), %d clicks left, next file %d; want a's slot, 12 clicks, 4",
			d.dir, a.dir, leftClicks(d), d.next)
	}
	if moved, _ := filepath.Glob(filepath.Join(b.dir, "*"+spoolExt)); len(moved) != 0 {
		t.Fatalf("files still in b's slot: %v", moved)
	}
}
