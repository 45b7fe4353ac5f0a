package core

import "crypto/rand"

// codeAlphabet is the alphabet of referral codes.
const codeAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// CodeLength is the length of a drawn referral code.
const CodeLength = 8

// The lengths a code may have: drawn codes have CodeLength, and codes
// participants choose (vanity codes) MinCodeLength to MaxCodeLength.
const (
	MinCodeLength = 4
	MaxCodeLength = 20
)

// NewCode draws a referral code of CodeLength characters from a-z0-9 with
// crypto/rand, without modulo bias.
func NewCode() string {
	b := make([]byte, CodeLength)
	for i := range b {
		b[i] = codeAlphabet[randIndex(len(codeAlphabet))]
	}
	return string(b)
}

// randIndex returns a uniform random number in [0, n) for n <= 256.
func randIndex(n int) int {
	limit := 256 - 256%n
	var one [1]byte
	for {
		rand.Read(one[:])
		if int(one[0]) < limit {
			return int(one[0]) % n
		}
	}
}
