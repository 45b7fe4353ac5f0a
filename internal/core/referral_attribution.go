package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Attribution is what the signed attribution cookie carries: which code was
// clicked, the click's id and when.
type Attribution struct {
	Code    string
	ClickID string
	At      time.Time
	Channel string // the click's share channel, "" for none
}

// signAttribution encodes a as "code.clickid.unixseconds.signature", with
// ".channel" before the signature when the click had one.
func (s *Service) signAttribution(a Attribution) string {
	var buf [192]byte // room for the longest code, an id, a time, a channel and the signature
	b := append(buf[:0], a.Code...)
	b = append(append(b, '.'), a.ClickID...)
	b = strconv.AppendInt(append(b, '.'), a.At.Unix(), 10)
	if a.Channel != "" {
		b = append(append(b, '.'), a.Channel...)
	}
	var sum [sha256.Size]byte
	mac := s.keys.attributionMAC.Append(sum[:0], b)
	return string(base64.RawURLEncoding.AppendEncode(append(b, '.'), mac))
}

func (s *Service) mac(payload string) string {
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(s.keys.attributionMAC.AppendString(sum[:0], payload))
}

// VerifyAttribution returns the attribution in a cookie value when its
// signature is valid and it is within the program's attribution window.
// Anything else (tampered, malformed, expired) is ignored: ok is false.
func (s *Service) VerifyAttribution(ctx context.Context, value string) (a Attribution, ok bool) {
	a, ok = s.signedAttribution(value)
	return a, ok && s.inWindow(ctx, a)
}

// inWindow reports whether an attribution is within the program's
// attribution window.
func (s *Service) inWindow(ctx context.Context, a Attribution) bool {
	age := s.now().Sub(a.At)
	return age >= -time.Minute && age <= s.attributionWindow(ctx)
}

// signedAttribution reads a cookie value whose signature is valid, of any
// age; ok is false for anything tampered or malformed.
func (s *Service) signedAttribution(value string) (a Attribution, ok bool) {
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return a, false
	}
	payload, sig := value[:i], value[i+1:]
	if !hmac.Equal([]byte(sig), []byte(s.mac(payload))) {
		return a, false
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 && len(parts) != 4 { // 3: a cookie set before share channels, or with none
		return a, false
	}
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return a, false
	}
	a = Attribution{Code: parts[0], ClickID: parts[1], At: time.Unix(unix, 0).UTC()}
	if len(parts) == 4 {
		a.Channel = ShareChannel(parts[3])
	}
	return a, true
}
