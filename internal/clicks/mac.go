package clicks

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
)

// MAC computes HMAC-SHA256 under one key without allocating: a click
// signs its attribution cookie and hashes its IP, and hmac.New costs
// several allocations each time. Keyed hashes are kept in a pool and
// reset between uses. It is safe for concurrent use.
type MAC struct{ pool sync.Pool }

// macState is one keyed hash with room for the message it hashes.
type macState struct {
	h   hash.Hash
	msg []byte
	sum [sha256.Size]byte
}

// NewMAC returns a MAC under key.
func NewMAC(key []byte) *MAC {
	key = append([]byte(nil), key...)
	m := &MAC{}
	m.pool.New = func() any { return &macState{h: hmac.New(sha256.New, key), msg: make([]byte, 0, 256)} }
	return m
}

// Append appends the HMAC-SHA256 of msg (sha256.Size bytes) to dst.
func (m *MAC) Append(dst, msg []byte) []byte {
	st := m.pool.Get().(*macState)
	st.msg = append(st.msg[:0], msg...)
	return m.sum(st, dst)
}

// AppendString appends the HMAC-SHA256 of msg to dst.
func (m *MAC) AppendString(dst []byte, msg string) []byte {
	st := m.pool.Get().(*macState)
	st.msg = append(st.msg[:0], msg...)
	return m.sum(st, dst)
}

// sum hashes st.msg, appends the sum to dst and returns st to the pool.
func (m *MAC) sum(st *macState, dst []byte) []byte {
	st.h.Reset()
	st.h.Write(st.msg)
	dst = append(dst, st.h.Sum(st.sum[:0])...)
	if cap(st.msg) <= 4096 { // keep a huge message's buffer out of the pool
		m.pool.Put(st)
	}
	return dst
}
