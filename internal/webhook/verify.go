package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// VerifySignature is the verification code of docs/webhooks.md, character
// for character (TestDocsHaveTheVerificationCode checks it), so it stands
// alone: a receiver copies it into their own code. The tests' receivers
// check every delivery with it.

// VerifySignature checks the ReferralHub-Signature header of a webhook
// delivery: body is the raw request body, secret the endpoint's secret.
// It refuses a timestamp more than tolerance away from now, so a captured
// delivery cannot be replayed later.
func VerifySignature(body []byte, header, secret string, tolerance time.Duration, now time.Time) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch key {
		case "t":
			ts = value
		case "v1":
			if sig, err := hex.DecodeString(value); err == nil {
				sigs = append(sigs, sig)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("webhook: no timestamp in the signature header")
	}
	if age := now.Sub(time.Unix(unix, 0)); age > tolerance || age < -tolerance {
		return errors.New("webhook: the timestamp is outside the tolerance")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return errors.New("webhook: no valid signature")
}
