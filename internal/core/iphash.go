package core

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ipHasher turns IP addresses (and subnets, and IP + browser pairs) into
// keyed hashes under a random salt that rotates every period. Salts live in
// the database, so every instance hashes alike, and are deleted once no
// check looks back that far: after that, nobody (not even whoever holds the
// secret key) can link a stored hash to an address. Raw addresses are never
// stored or logged.
type ipHasher struct {
	period time.Duration
	// load returns the salt of an epoch; create makes it when missing.
	// Creating writes, so only EnsureIPSalts asks for it, outside any
	// transaction; hashing only reads.
	load func(ctx context.Context, epoch int64, create bool) ([]byte, bool, error)

	mu   sync.Mutex
	salt map[int64][]byte
	cur  atomic.Pointer[periodSalt] // the newest salt in use: the click path's fast case
}

// periodSalt is one period's salt.
type periodSalt struct {
	epoch int64
	salt  []byte
}

func newIPHasher(period time.Duration, load func(ctx context.Context, epoch int64, create bool) ([]byte, bool, error)) *ipHasher {
	if period <= 0 {
		period = 24 * time.Hour
	}
	return &ipHasher{period: period, load: load, salt: map[int64][]byte{}}
}

// epoch numbers the salt period that t falls in.
func (h *ipHasher) epoch(t time.Time) int64 { return t.UnixNano() / int64(h.period) }

// saltOf returns an epoch's salt, from memory or the database; nil when
// there is none.
func (h *ipHasher) saltOf(epoch int64) []byte {
	if c := h.cur.Load(); c != nil && c.epoch == epoch {
		return c.salt
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok := h.salt[epoch]; ok {
		return s
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, ok, err := h.load(ctx, epoch, false)
	if err != nil || !ok {
		return nil // not cached: asked again next time
	}
	h.remember(epoch, s)
	return s
}

// remember caches a salt; call with mu held.
func (h *ipHasher) remember(epoch int64, salt []byte) {
	h.salt[epoch] = salt
	for e := range h.salt {
		if e < epoch-400 {
			delete(h.salt, e)
		}
	}
	if c := h.cur.Load(); c == nil || epoch >= c.epoch {
		h.cur.Store(&periodSalt{epoch: epoch, salt: salt})
	}
}

// ensure makes the salts of at's period and the next one, so hashing never
// has to write.
func (h *ipHasher) ensure(ctx context.Context, at time.Time) error {
	for e := h.epoch(at); e <= h.epoch(at)+1; e++ {
		s, _, err := h.load(ctx, e, true)
		if err != nil {
			return err
		}
		h.mu.Lock()
		h.salt[e] = s
		if e == h.epoch(at) {
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
// is missing (then nothing about the address is stored).
func (h *ipHasher) Hash(value string, at time.Time) string {
	salt := h.saltOf(h.epoch(at))
	if salt == nil {
		return ""
	}
	return hashWith(salt, value)
}

// HashesWithin is value's hash under the salt of every period that
// overlaps [from, to] and still has one, for comparing a value seen now
// with hashes stored earlier in a window.
func (h *ipHasher) HashesWithin(value string, from, to time.Time) []string {
	var out []string
	for e := h.epoch(from); e <= h.epoch(to); e++ {
		if salt := h.saltOf(e); salt != nil {
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
