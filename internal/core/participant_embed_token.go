package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// An embed token is self-contained and signed, never stored:
//
//	"rhe_" + base64url(version 1 | participant id | API key id | expiry, as uvarints | HMAC-SHA256)
//
// The HMAC is keyed by a key derived from the secret key for this purpose
// only. Nothing is written per token, so minting one on every page view of
// the host costs no write, and every instance checks it alone. What a
// signature cannot say, whether the key still works and the participant is
// still welcome, CheckEmbedToken reads on every use. The prefix tells it
// apart from API keys ("rhk_") and session tokens at a glance.
const (
	embedTokenPrefix  = "rhe_"
	embedTokenVersion = 1
	maxEmbedToken     = 128 // far above any real token: longer input is refused unread
)

// embedClaims is what an embed token says.
type embedClaims struct {
	participantID int64
	keyID         int64
	expires       time.Time // whole seconds
}

// signEmbed writes c as a token.
func (s *Service) signEmbed(c embedClaims) string {
	b := []byte{embedTokenVersion}
	b = binary.AppendUvarint(b, uint64(c.participantID))
	b = binary.AppendUvarint(b, uint64(c.keyID))
	b = binary.AppendUvarint(b, uint64(c.expires.Unix()))
	b = append(b, s.embedMAC(b)...)
	return embedTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// parseEmbed reads a token signed by this install; ok is false for
// anything else, whatever is wrong with it.
func (s *Service) parseEmbed(token string) (c embedClaims, ok bool) {
	raw, found := strings.CutPrefix(token, embedTokenPrefix)
	if !found || len(token) > maxEmbedToken {
		return c, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(raw)
	if err != nil || len(b) < 1+sha256.Size {
		return c, false
	}
	payload, mac := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if !hmac.Equal(mac, s.embedMAC(payload)) || payload[0] != embedTokenVersion {
		return c, false
	}
	var fields [3]int64
	rest := payload[1:]
	for i := range fields {
		v, n := binary.Uvarint(rest)
		if n <= 0 || v == 0 || v > 1<<62 {
			return c, false
		}
		fields[i], rest = int64(v), rest[n:]
	}
	if len(rest) != 0 {
		return c, false
	}
	return embedClaims{participantID: fields[0], keyID: fields[1], expires: time.Unix(fields[2], 0).UTC()}, true
}

func (s *Service) embedMAC(payload []byte) []byte {
	m := hmac.New(sha256.New, s.keys.embed)
	m.Write(payload)
	return m.Sum(nil)
}
