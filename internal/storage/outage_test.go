package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestUnreachableDatabaseIsUnavailable: with the database really gone (a
// closed port on PostgreSQL, a closed database on SQLite), reads, writes,
// transactions and pings fail with EUNAVAILABLE, which the faces answer
// 503; on PostgreSQL the same DB serves again once the server is back.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	storagetest.EachOutage(t, func(t *testing.T, o *storagetest.Outage) {
		ctx := context.Background()
		_, alice := mustUser(t, o.DB, "alice")
		o.Begin()
		calls := map[string]func() error{
			"ping":        func() error { return o.DB.Ping(ctx) },
			"read a row":  func() error { _, err := o.DB.Read().Participant(ctx, alice.ID); return err },
			"read rows":   func() error { _, err := o.DB.Read().CountClicks(ctx); return err },
			"transaction": func() error { return o.DB.InsertClicks(ctx, []referralhub.Click{click(alice, "k1")}) },
		}
		for name, call := range calls {
			err := call()
			if code := referralhub.ErrorCode(err); code != referralhub.EUNAVAILABLE || !o.DB.Unavailable(err) {
				t.Errorf("%s: %v (code %q), want EUNAVAILABLE", name, err, code)
			}
		}
		if !o.End(t) {
			return
		}
		if err := o.DB.InsertClicks(ctx, []referralhub.Click{click(alice, "k1")}); err != nil {
			t.Fatalf("after the outage: %v", err)
		}
	})
}

// TestRefusedRowsAreNotAnOutage: a click whose participant is gone breaks a
// foreign key: the database refused the data, and trying again would not
// help.
func TestRefusedRowsAreNotAnOutage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		err := db.InsertClicks(context.Background(), []referralhub.Click{click(referralhub.Participant{ID: 999, Code: "gone"}, "k1")})
		if err == nil || !db.Refused(err) || db.Unavailable(err) || referralhub.ErrorCode(err) != referralhub.EINTERNAL {
			t.Fatalf("err = %v: want refused, not unavailable", err)
		}
	})
}

func click(p referralhub.Participant, id string) referralhub.Click {
	return referralhub.Click{ID: id, ParticipantID: p.ID, Code: p.Code, CreatedAt: t0.Add(time.Second)}
}
