package webhook_test

import (
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/webhook"
)

func TestEncodeIsTheDocumentedBody(t *testing.T) {
	created := time.Date(2026, 11, 1, 13, 0, 0, 500, time.FixedZone("CET", 3600))
	got, err := webhook.Encode("evt_1", webhook.RewardCreated, created, map[string]int{"id": 7})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"evt_1","type":"reward.created","created":"2026-11-01T12:00:00Z","data":{"id":7}}`; string(got) != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if got, _ := webhook.Encode("evt_2", webhook.ReferralCreated, created, nil); string(got) != `{"id":"evt_2","type":"referral.created","created":"2026-11-01T12:00:00Z","data":{}}` {
		t.Errorf("nil data: %s", got)
	}
}
