package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestBanOnOneInstanceStopsTheCodeOnAnother runs two services over one
// database, as two instances: B has alice's code cached when A bans her;
// B's next code check (every second in serve) drops it, so her link stops
// resolving there too.
func TestBanOnOneInstanceStopsTheCodeOnAnother(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		a, b := newFixture(t, db), newFixture(t, db)
		ctx := context.Background()
		alice, _ := a.upsert(t, core.ParticipantInput{ExternalID: "alice"})
		if purged, err := b.svc.CheckCodes(ctx); err != nil || purged {
			t.Fatalf("first check: purged %v, %v", purged, err)
		}
		visit := core.Visit{IP: "192.0.2.1", UserAgent: "test"}
		if res, err := b.svc.Click(ctx, alice.Code, visit); err != nil || !res.Attributed {
			t.Fatalf("B before the ban: %+v %v", res, err)
		}
		if err := a.svc.Ban(ctx, a.admin(t), alice.ID, "fraud ring"); err != nil {
			t.Fatal(err)
		}
		if res, _ := b.svc.Click(ctx, alice.Code, visit); !res.Attributed {
			t.Fatal("B dropped the code before checking: the test proves nothing")
		}
		if purged, err := b.svc.CheckCodes(ctx); err != nil || !purged {
			t.Fatalf("check after the ban: purged %v, %v", purged, err)
		}
		if res, err := b.svc.Click(ctx, alice.Code, visit); err != nil || res.Attributed {
			t.Fatalf("B after the check: %+v %v, want the banned code unknown", res, err)
		}
		if purged, _ := b.svc.CheckCodes(ctx); purged {
			t.Error("a check with no change emptied the cache")
		}
	})
}

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
	c := core.NewCodeCache(core.CodeCacheConfig{TTL: time.Hour, NegativeTTL: time.Hour, MaxItems: 10}, time.Now, load)
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
