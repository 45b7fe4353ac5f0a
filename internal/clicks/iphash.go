package clicks

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// IPHasher turns IP addresses (and subnets, and IP + browser pairs) into
// keyed hashes under a random salt that rotates every period. Salts live in
// the database, so every instance hashes alike, and are deleted once no
// check looks back that far: after that, nobody (not even whoever holds the
// secret key) can link a stored hash to an address. Raw addresses are never
// stored or logged.
type IPHasher struct {
	period time.Duration
	load   SaltLoader
	loads  singleflight.Group // one read of an epoch's salt at a time, shared by its waiters

	mu   sync.Mutex // guards salt; never held while the database is read
	salt map[int64][]byte
	cur  atomic.Pointer[periodSalt] // the newest salt in use: the click path's fast case
}

// saltReadTimeout bounds one read of a salt.
const saltReadTimeout = 5 * time.Second

// periodSalt is one period's salt, and a MAC under it for the click path.
type periodSalt struct {
	epoch int64
	salt  []byte
	mac   *MAC
}

// SaltLoader returns the salt of an epoch; ok is false when there is none.
// With create it makes the salt when missing. Creating writes, so only
// Ensure asks for it, outside any transaction; hashing only reads.
type SaltLoader func(ctx context.Context, epoch int64, create bool) (salt []byte, ok bool, err error)

// NewIPHasher returns a hasher whose salt rotates every period (a day when
// period is not positive), with salts from load.
func NewIPHasher(period time.Duration, load SaltLoader) *IPHasher {
	if period <= 0 {
		period = 24 * time.Hour
	}
	return &IPHasher{period: period, load: load, salt: map[int64][]byte{}}
}

// Epoch numbers the salt period that t falls in.
func (h *IPHasher) Epoch(t time.Time) int64 { return t.UnixNano() / int64(h.period) }

// saltOf returns an epoch's salt, from memory or the database; nil when
// there is none, or when ctx ends before it is read.
func (h *IPHasher) saltOf(ctx context.Context, epoch int64) []byte {
	if c := h.cur.Load(); c != nil && c.epoch == epoch {
		return c.salt
	}
	if s, ok := h.cached(epoch); ok {
		return s
	}
	if ctx.Err() != nil {
		return nil // the caller is gone: start no read for it
	}
	read := h.loads.DoChan(strconv.FormatInt(epoch, 10), func() (any, error) {
		return h.read(ctx, epoch), nil
	})
	select {
	case r := <-read:
		return r.Val.([]byte)
	case <-ctx.Done():
		return nil // the read goes on, and keeps the salt for the next caller
	}
}

// cached returns an epoch's salt if it is in memory.
func (h *IPHasher) cached(epoch int64) ([]byte, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.salt[epoch]
	return s, ok
}

// read loads an epoch's salt from the database and remembers it; nil when
// there is none. Every waiter for the epoch shares the read, so it must not
// end with the first one's context.
func (h *IPHasher) read(ctx context.Context, epoch int64) []byte {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saltReadTimeout)
	defer cancel()
	s, ok, err := h.load(ctx, epoch, false)
	if err != nil || !ok {
		return nil // not cached: asked again next time
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remember(epoch, s)
	return s
}

// remember caches a salt; call with mu held.
func (h *IPHasher) remember(epoch int64, salt []byte) {
	h.salt[epoch] = salt
	for e := range h.salt {
		if e < epoch-400 {
			delete(h.salt, e)
		}
	}
	if c := h.cur.Load(); c == nil || epoch >= c.epoch {
		h.cur.Store(&periodSalt{epoch: epoch, salt: salt, mac: NewMAC(salt)})
	}
}

// Ensure makes the salts of at's period and the next one, so hashing never
// has to write.
func (h *IPHasher) Ensure(ctx context.Context, at time.Time) error {
	for e := h.Epoch(at); e <= h.Epoch(at)+1; e++ {
		s, _, err := h.load(ctx, e, true)
		if err != nil {
			return err
		}
		h.mu.Lock()
		h.salt[e] = s
		if e == h.Epoch(at) {
			h.remember(e, s)
		}
		h.mu.Unlock()
	}
	return nil
}

func hashWith(salt []byte, value string) string {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Hash is value's hash under the salt of at's period, or "" when that salt
// is missing or ctx ends before it is read (then nothing about the address
// is stored).
func (h *IPHasher) Hash(ctx context.Context, value string, at time.Time) string {
	epoch := h.Epoch(at)
	if c := h.cur.Load(); c != nil && c.epoch == epoch { // the click path: no allocation but the result
		var sum [sha256.Size]byte
		return hex.EncodeToString(c.mac.AppendString(sum[:0], value)[:16])
	}
	salt := h.saltOf(ctx, epoch)
	if salt == nil {
		return ""
	}
	return hashWith(salt, value)
}

// HashesWithin is value's hash under the salt of every period that
// overlaps [from, to] and still has one (and could be read before ctx
// ended), for comparing a value seen now with hashes stored earlier in a
// window.
func (h *IPHasher) HashesWithin(ctx context.Context, value string, from, to time.Time) []string {
	var out []string
	for e := h.Epoch(from); e <= h.Epoch(to); e++ {
		if salt := h.saltOf(ctx, e); salt != nil {
			out = append(out, hashWith(salt, value))
		}
	}
	return out
}

// newSalt draws a salt.
func newSalt() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}

// Subnet is the network an address belongs to for velocity checks: its /24
// for IPv4, its /64 for IPv6. An unparsable address is its own subnet.
func Subnet(ip string) string {
	addr := net.ParseIP(ip)
	switch {
	case addr == nil:
		return ip
	case addr.To4() != nil:
		return addr.Mask(net.CIDRMask(24, 32)).String() + "/24"
	default:
		return addr.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
}
