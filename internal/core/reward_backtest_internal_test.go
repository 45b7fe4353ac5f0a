package core

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
)

// TestOneBacktestAtATime: while a backtest runs on an instance, another
// is refused with ETOOMANY before it reads anything.
func TestOneBacktestAtATime(t *testing.T) {
	s := &Service{}
	s.backtest.Lock()
	_, err := s.RunBacktest(context.Background(), referralhub.Program{}, 30)
	if referralhub.ErrorCode(err) != referralhub.ETOOMANY {
		t.Fatalf("second backtest: %v", err)
	}
}
