package core

import (
	"testing"
	"time"
)

func TestDurationWords(t *testing.T) {
	if got := durationWords(webhookDisableAfter); got != "3 days" {
		t.Errorf("durationWords = %q", got)
	}
	if got := durationWords(36 * time.Hour); got != "36 hours" {
		t.Errorf("durationWords = %q", got)
	}
}
