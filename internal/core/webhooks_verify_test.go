package core_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// VerifySignature is the verification code of docs/webhooks.md, character
// for character (TestDocsHaveTheVerificationCode checks it); the receivers
// of these tests check every delivery with it.

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

// TestDocsHaveTheVerificationCode keeps docs/webhooks.md's code the code
// these tests run.
func TestDocsHaveTheVerificationCode(t *testing.T) {
	src, err := os.ReadFile("webhooks_verify_test.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(src), "// VerifySignature checks")
	if start < 0 {
		t.Fatal("VerifySignature not found in this file")
	}
	fn := string(src[start:])
	fn = fn[:strings.Index(fn, "\n}\n")+3]
	if !strings.Contains(string(doc), fn) {
		t.Errorf("docs/webhooks.md does not hold VerifySignature as tested:\n%s", fn)
	}
}

func TestVerifySignatureRefusesForgeries(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"evt_1"}`)
	good := signed(t, "whsec_right", now, body)
	if err := VerifySignature(body, good, "whsec_right", 5*time.Minute, now.Add(time.Minute)); err != nil {
		t.Fatalf("good signature: %v", err)
	}
	cases := map[string]error{
		"wrong secret": VerifySignature(body, good, "whsec_wrong", 5*time.Minute, now),
		"changed body": VerifySignature([]byte(`{"id":"evt_2"}`), good, "whsec_right", 5*time.Minute, now),
		"too old":      VerifySignature(body, good, "whsec_right", 5*time.Minute, now.Add(6*time.Minute)),
		"no timestamp": VerifySignature(body, good[strings.Index(good, ",")+1:], "whsec_right", 5*time.Minute, now),
		"moved time":   VerifySignature(body, strings.Replace(good, "t=", "t=1", 1), "whsec_right", 5*time.Minute, now),
		"empty":        VerifySignature(body, "", "whsec_right", 5*time.Minute, now),
	}
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
