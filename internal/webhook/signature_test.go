package webhook_test

import (
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/webhook"
)

// TestSignMatchesAnIndependentHMAC pins the header to a value computed
// outside Go: printf '%s' '1800000000.{"id":"evt_1"}' | openssl dgst
// -sha256 -hmac s.
func TestSignMatchesAnIndependentHMAC(t *testing.T) {
	got := webhook.Sign("s", time.Unix(1_800_000_000, 0), []byte(`{"id":"evt_1"}`))
	want := "t=1800000000,v1=ef5cda2479fa1cf8fd8bd65edf937310d4303faa9e37589835fa37e9f112f97e"
	if got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}
