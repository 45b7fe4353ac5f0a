package clicks_test

import (
	"context"
	"errors"
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

// TestCodeCacheAnswersFromExpiredEntriesWhileTheDatabaseFails: a known
// code past its TTL still resolves when the database cannot be asked, so
// its links keep working through an outage, and the database is asked
// again only after NegativeTTL; a purged code is not kept alive.
func TestCodeCacheAnswersFromExpiredEntriesWhileTheDatabaseFails(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var (
		down  bool
		loads int
	)
	load := func(context.Context, string) (referralhub.CodeOwner, error) {
		loads++
		if down {
			return referralhub.CodeOwner{}, referralhub.Unavailable(errors.New("connection refused"))
		}
		return referralhub.CodeOwner{ParticipantID: 7, Code: "abc"}, nil
	}
	c := clicks.NewCodeCache(clicks.CodeCacheConfig{TTL: time.Minute, NegativeTTL: 10 * time.Second, MaxItems: 10},
		func() time.Time { return now }, load)
	ctx := context.Background()
	if _, found, err := c.Lookup(ctx, "abc"); err != nil || !found {
		t.Fatal(found, err)
	}
	down, now = true, now.Add(2*time.Minute)
	for range 3 {
		owner, found, err := c.Lookup(ctx, "abc")
		if err != nil || !found || owner.ParticipantID != 7 {
			t.Fatalf("expired code during an outage: %+v %v %v", owner, found, err)
		}
	}
	if loads != 2 {
		t.Fatalf("%d loads, want 2: the database is asked again only after NegativeTTL", loads)
	}
	c.Purge()
	if _, _, err := c.Lookup(ctx, "abc"); err == nil {
		t.Fatal("a purged code resolved during an outage")
	}
}
