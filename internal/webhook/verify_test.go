package webhook_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/webhook"
)

// TestDocsHaveTheVerificationCode keeps docs/webhooks.md's code the code
// the tests run.
func TestDocsHaveTheVerificationCode(t *testing.T) {
	src, err := os.ReadFile("verify.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(src), "// VerifySignature checks")
	if start < 0 {
		t.Fatal("VerifySignature not found in verify.go")
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
	good := webhook.Sign("whsec_right", now, body)
	if err := webhook.VerifySignature(body, good, "whsec_right", 5*time.Minute, now.Add(time.Minute)); err != nil {
		t.Fatalf("good signature: %v", err)
	}
	cases := map[string]error{
		"wrong secret": webhook.VerifySignature(body, good, "whsec_wrong", 5*time.Minute, now),
		"changed body": webhook.VerifySignature([]byte(`{"id":"evt_2"}`), good, "whsec_right", 5*time.Minute, now),
		"too old":      webhook.VerifySignature(body, good, "whsec_right", 5*time.Minute, now.Add(6*time.Minute)),
		"no timestamp": webhook.VerifySignature(body, good[strings.Index(good, ",")+1:], "whsec_right", 5*time.Minute, now),
		"moved time":   webhook.VerifySignature(body, strings.Replace(good, "t=", "t=1", 1), "whsec_right", 5*time.Minute, now),
		"empty":        webhook.VerifySignature(body, "", "whsec_right", 5*time.Minute, now),
	}
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
