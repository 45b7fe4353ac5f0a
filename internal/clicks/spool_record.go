package clicks

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"time"

	"github.com/referralhub/referralhub"
)

// A spool file is a header (spoolMagic) followed by one record per click:
// a 4-byte little-endian payload length, the payload's 4-byte CRC-32C and
// the payload (the click's fields, strings with a uvarint length, numbers
// as varints, then the bot flag and, since share channels, the channel: a
// record written before them ends at the bot flag and has none). A record cut short or whose checksum fails ends the file:
// it is the tail a crash tore, and nothing after it is trusted.
const spoolMagic = "rhclick1"

// maxRecord bounds a record's payload: a click holds two headers of at
// most 512 bytes and a few short strings.
const maxRecord = 8 << 10

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendRecord appends c's record to b.
func appendRecord(b []byte, c referralhub.Click) []byte {
	start := len(b)
	b = append(b, make([]byte, 8)...)
	for _, s := range []string{c.ID, c.Code, c.IPHash, c.UserAgent, c.Referer} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, c.ParticipantID)
	b = binary.AppendVarint(b, c.CreatedAt.UnixNano())
	bot := byte(0)
	if c.Bot {
		bot = 1
	}
	b = append(b, bot)
	b = binary.AppendUvarint(b, uint64(len(c.Channel)))
	b = append(b, c.Channel...)
	payload := b[start+8:]
	binary.LittleEndian.PutUint32(b[start:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(b[start+4:], crc32.Checksum(payload, castagnoli))
	return b
}

// errTorn reports a spool file whose last record is incomplete or damaged.
var errTorn = errors.New("torn record")

// decodeRecord reads one click from a record's payload.
func decodeRecord(p []byte) (referralhub.Click, error) {
	var c referralhub.Click
	for _, dst := range []*string{&c.ID, &c.Code, &c.IPHash, &c.UserAgent, &c.Referer} {
		n, k := binary.Uvarint(p)
		if k <= 0 || n > uint64(len(p)-k) {
			return c, errTorn
		}
		*dst, p = string(p[k:k+int(n)]), p[k+int(n):]
	}
	var k int
	if c.ParticipantID, k = binary.Varint(p); k <= 0 {
		return c, errTorn
	}
	p = p[k:]
	nanos, k := binary.Varint(p)
	if k <= 0 || len(p) < k+1 {
		return c, errTorn
	}
	c.CreatedAt, c.Bot, p = time.Unix(0, nanos).UTC(), p[k] == 1, p[k+1:]
	if len(p) == 0 { // written before share channels: none
		return c, nil
	}
	n, k := binary.Uvarint(p)
	if k <= 0 || n != uint64(len(p)-k) {
		return c, errTorn
	}
	c.Channel = string(p[k:])
	return c, nil
}

// readSpoolFile returns the clicks of a spool file, in order. A torn tail
// is not an error: the clicks before it are returned with torn set.
func readSpoolFile(path string) (clicks []referralhub.Click, torn bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	magic := make([]byte, len(spoolMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != spoolMagic {
		return nil, true, nil // created, but its header never reached the disk
	}
	var head [8]byte
	buf := make([]byte, 0, 1024)
	for {
		if _, err := io.ReadFull(r, head[:]); err == io.EOF {
			return clicks, false, nil
		} else if err != nil {
			return clicks, true, nil
		}
		n := binary.LittleEndian.Uint32(head[:4])
		if n > maxRecord {
			return clicks, true, nil
		}
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil || crc32.Checksum(buf, castagnoli) != binary.LittleEndian.Uint32(head[4:]) {
			return clicks, true, nil
		}
		c, err := decodeRecord(buf)
		if err != nil {
			return clicks, true, nil
		}
		clicks = append(clicks, c)
	}
}

// describeTorn words a torn spool file for the log.
func describeTorn(path string, kept int) string {
	return fmt.Sprintf("%s ends in a torn record (a crash while writing it): the %d clicks before it are kept", path, kept)
}
