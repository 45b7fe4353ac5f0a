package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// The headers of a webhook request (with Content-Type: application/json),
// and its User-Agent.
const (
	HeaderSignature = "ReferralHub-Signature"  // t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
	HeaderEventID   = "ReferralHub-Event-Id"   // the event's id: the same on every retry and replay
	HeaderEventType = "ReferralHub-Event-Type" // the event's type
	UserAgent       = "ReferralHub-Webhooks/1"
)

// Sign returns the ReferralHub-Signature header of body sent at t with
// secret: HMAC-SHA256 over "<unix t>.<body>", in hex. VerifySignature
// checks it.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}
