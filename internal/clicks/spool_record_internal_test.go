package clicks

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
)

// oldRecord is a click's record as written before share channels: it
// ends at the bot flag.
func oldRecord(c referralhub.Click) []byte {
	var p []byte
	for _, s := range []string{c.ID, c.Code, c.IPHash, c.UserAgent, c.Referer} {
		p = binary.AppendUvarint(p, uint64(len(s)))
		p = append(p, s...)
	}
	p = binary.AppendVarint(p, c.ParticipantID)
	p = binary.AppendVarint(p, c.CreatedAt.UnixNano())
	p = append(p, 0)
	head := make([]byte, 8)
	binary.LittleEndian.PutUint32(head, uint32(len(p)))
	binary.LittleEndian.PutUint32(head[4:], crc32.Checksum(p, castagnoli))
	return append(head, p...)
}

// TestSpoolKeepsChannelsAndReadsOldFiles: a click's share channel comes
// back from the spool, and a spool file written before channels (a crash
// before an upgrade) still replays, its clicks with no channel.
func TestSpoolKeepsChannelsAndReadsOldFiles(t *testing.T) {
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	old := referralhub.Click{ID: "old", ParticipantID: 7, Code: "abcdefgh", UserAgent: "ua", CreatedAt: at}
	shared := referralhub.Click{ID: "new", ParticipantID: 7, Code: "alice-doe", CreatedAt: at, Channel: "wa"}
	file := append([]byte(spoolMagic), oldRecord(old)...)
	file = appendRecord(file, shared)
	path := filepath.Join(t.TempDir(), "mixed.spool")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	got, torn, err := readSpoolFile(path)
	if err != nil || torn || len(got) != 2 {
		t.Fatalf("read %d clicks, torn %v, %v", len(got), torn, err)
	}
	if got[0] != old || got[1] != shared {
		t.Fatalf("read %+v\nwant %+v and %+v", got, old, shared)
	}
}
