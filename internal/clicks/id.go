package clicks

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"time"
)

// IDLen is the length of the ids NewID makes.
const IDLen = 26

// idEncoding is lower-case base32 without look-alike letters.
var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a 26-character id that sorts by time (48 bits of
// milliseconds) and is unguessable (80 random bits): a click's id.
func NewID(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	rand.Read(b[6:])
	return idEncoding.EncodeToString(b[:])
}

// ValidID reports whether id can be an id from NewID.
func ValidID(id string) bool {
	if len(id) != IDLen {
		return false
	}
	_, err := idEncoding.DecodeString(id)
	return err == nil
}
