package clicks_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
)

// TestPurgeDropsALoadInFlight: a code loaded while the cache is purged
// answers its caller but is not kept, so a stale owner read before a ban
// cannot outlive the purge.
func TestPurgeDropsALoadInFlight(t *testing.T) {
	release, started := make(chan struct{}), make(chan struct{}, 4)
	loads := 0
	load := func(context.Context, string) (referralhub.CodeOwner, error) {
		loads++
		started <- struct{}{}
		<-release
		return referralhub.CodeOwner{ParticipantID: 7, Code: "abc"}, nil
	}
	c := clicks.NewCodeCache(clicks.CodeCacheConfig{TTL: time.Hour, NegativeTTL: time.Hour, MaxItems: 10}, time.Now, load)
	done := make(chan bool)
	go func() {
		_, found, _ := c.Lookup(context.Background(), "abc")
		done <- found
	}()
	<-started
	c.Purge()
	close(release)
	if !<-done {
		t.Fatal("the caller of the load in flight got nothing")
	}
	if _, _, err := c.Lookup(context.Background(), "abc"); err != nil {
		t.Fatal(err)
	}
	if loads != 2 {
		t.Errorf("loads = %d, want 2: the load in flight at the purge was kept", loads)
	}
}
