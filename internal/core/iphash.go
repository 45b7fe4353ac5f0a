package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"strconv"
	"sync/atomic"
	"time"
)

// ipHasher turns IP addresses (and subnets, and other identifying values)
// into keyed hashes whose salt rotates every period: a hash can be
// compared with others made in the same period, and says nothing once the
// period's key is gone. Raw addresses are never stored or logged.
type ipHasher struct {
	base   []byte
	period time.Duration
	cur    atomic.Pointer[periodKey]
}

// periodKey is the key of one salt period, cached for the hot path.
type periodKey struct {
	epoch int64
	key   []byte
}

func newIPHasher(base []byte, period time.Duration) *ipHasher {
	if period <= 0 {
		period = 24 * time.Hour
	}
	return &ipHasher{base: base, period: period}
}

// epoch numbers the salt period that t falls in.
func (h *ipHasher) epoch(t time.Time) int64 { return t.UnixNano() / int64(h.period) }

func (h *ipHasher) key(epoch int64) []byte {
	if k := h.cur.Load(); k != nil && k.epoch == epoch {
		return k.key
	}
	m := hmac.New(sha256.New, h.base)
	m.Write([]byte("period " + strconv.FormatInt(epoch, 10)))
	k := &periodKey{epoch: epoch, key: m.Sum(nil)}
	h.cur.Store(k)
	return k.key
}

func (h *ipHasher) hashWith(key []byte, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Hash is value's keyed hash in the salt period of at.
func (h *ipHasher) Hash(value string, at time.Time) string {
	return h.hashWith(h.key(h.epoch(at)), value)
}

// HashesWithin is value's hash in every salt period that overlaps
// [from, to], for comparing a value seen now with hashes stored earlier
// in a window.
func (h *ipHasher) HashesWithin(value string, from, to time.Time) []string {
	var out []string
	for e := h.epoch(from); e <= h.epoch(to); e++ {
		m := hmac.New(sha256.New, h.base)
		m.Write([]byte("period " + strconv.FormatInt(e, 10)))
		out = append(out, h.hashWith(m.Sum(nil), value))
	}
	return out
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
