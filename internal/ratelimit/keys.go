package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
)

// hashBytes is how much of a SHA-256 a key keeps: 128 bits, plenty to
// avoid collisions among the keys a limiter holds at once.
const hashBytes = 16

// Keys builds limiter keys that hold no personal data: an IP address or a
// login is replaced by a keyed hash, so neither memory nor Redis holds raw
// IPs, and without the secret the hashes cannot be reversed by trying all
// IPv4 addresses. Instances that share a Redis must use the same secret.
type Keys struct {
	salt [sha256.Size]byte
}

// NewKeys derives the hashing key from secret (the site's secret key; the
// derivation keeps these hashes apart from its other uses).
func NewKeys(secret []byte) Keys {
	h := sha256.New()
	h.Write([]byte("referralhub rate limit keys\x00"))
	h.Write(secret)
	var k Keys
	h.Sum(k.salt[:0])
	return k
}

// IP returns the key "namespace:ip:HASH" for a client's address. IPv6
// addresses count by their /64, since one subscriber usually holds a whole
// /64 and could otherwise rotate through it. An address that does not
// parse is hashed as it is.
func (k Keys) IP(namespace, ip string) string {
	var buf [16]byte
	b := buf[:0]
	switch a, err := netip.ParseAddr(ip); {
	case err != nil:
		return k.key(namespace, ":ip:", []byte(ip))
	case a.Unmap().Is4():
		a4 := a.Unmap().As4()
		b = append(b, a4[:]...)
	default:
		a16 := a.As16()
		b = append(b, a16[:8]...) // the /64
	}
	return k.key(namespace, ":ip:", b)
}

// Name returns the key "namespace:kind:HASH" for an identifier such as a
// normalised login or an API key id.
func (k Keys) Name(namespace, kind, value string) string {
	return k.key(namespace, ":"+kind+":", []byte(value))
}

// key hashes value under the salt and appends the hash in hex to
// namespace and kind, with one allocation for the result in the common
// case.
func (k Keys) key(namespace, kind string, value []byte) string {
	var in [sha256.Size + 64]byte
	data := append(append(in[:0], k.salt[:]...), value...)
	sum := sha256.Sum256(data)
	var out [128]byte
	o := append(append(out[:0], namespace...), kind...)
	o = hex.AppendEncode(o, sum[:hashBytes])
	return string(o)
}
