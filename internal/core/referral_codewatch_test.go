package core_test

import (
	"context"
	"testing"

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
