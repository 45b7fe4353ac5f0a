package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// signatureTolerance is how old a webhook's timestamp may be.
const signatureTolerance = 5 * time.Minute

// VerifySignature checks a ReferralHub-Signature header ("t=<unix>,v1=<hex>")
// against the body and the endpoint's secret, as docs/webhooks.md describes:
// v1 is HMAC-SHA256(secret, "<t>.<body>"), and t must be recent, so a
// captured delivery cannot be replayed later.
func VerifySignature(header string, body []byte, secret string, now time.Time) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("malformed signature header")
	}
	if age := now.Sub(time.Unix(unix, 0)); age > signatureTolerance || age < -signatureTolerance {
		return errors.New("signature timestamp out of tolerance")
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	want := hex.EncodeToString(m.Sum(nil))
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("signature does not match")
}
