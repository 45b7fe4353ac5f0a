package storage_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// userSeen reports whether q finds the user named name.
func userSeen(t *testing.T, q *storage.Queries, name string) bool {
	t.Helper()
	_, _, err := q.UserForLogin(context.Background(), name)
	if err != nil && referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
		t.Fatalf("look %s up: %v", name, err)
	}
	return err == nil
}

// TestReplicaServesReadsAndOwnWrites runs the lagging reads on a real
// streaming replica: a write on the primary shows through Replica once
// replayed; while the replica's replay is paused, a read marked with the
// caller's write (ReadAfter) is served by the primary and sees it, and an
// unmarked one, served by the replica, does not yet. SQLite takes no
// replica, and its Replica is its read pool.
func TestReplicaServesReadsAndOwnWrites(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		db := storagetest.Open(t, "sqlite")
		if err := db.OpenReplica(ctx, "postgres://127.0.0.1:5433/x"); err == nil {
			t.Fatal("SQLite took a read replica")
		}
		mustUser(t, db, "alice")
		if pos, err := db.WritePosition(ctx); err != nil || pos != "" || !userSeen(t, db.Replica(db.ReadAfter(ctx, pos)), "alice") {
			t.Fatalf("position %q, %v; or alice unseen", pos, err)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		url := storagetest.URL(t, "postgres")
		replicaURL := storagetest.ReplicaURL(t, url)
		db, err := storage.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx, t0); err != nil {
			t.Fatal(err)
		}
		if err := db.OpenReplica(ctx, replicaURL); err != nil {
			t.Fatal(err)
		}
		if standby, err := db.Replica(ctx).Standby(ctx); err != nil || !standby {
			t.Fatalf("Replica runs on a standby: %v, %v; want true", standby, err)
		}
		mustUser(t, db, "alice")
		storagetest.WaitFor(t, "alice on the replica", func() bool { return userSeen(t, db.Replica(ctx), "alice") })

		resume := storagetest.PauseReplay(t, replicaURL)
		mustUser(t, db, "bob")
		pos, err := db.WritePosition(ctx)
		if err != nil || pos == "" {
			t.Fatalf("write position %q, %v", pos, err)
		}
		mine := db.ReadAfter(ctx, pos)
		if has, err := db.ReplicaHas(ctx, pos); err != nil || has {
			t.Fatalf("a paused replica has the write: %v, %v", has, err)
		}
		if !userSeen(t, db.Replica(mine), "bob") {
			t.Error("a read after the caller's own write did not see it")
		}
		if standby, err := db.Replica(mine).Standby(ctx); err != nil || standby {
			t.Errorf("a read after the caller's own write ran on a standby (%v, %v), want the primary", standby, err)
		}
		if userSeen(t, db.Replica(ctx), "bob") {
			t.Error("the paused replica saw bob: the test proves nothing")
		}
		resume()
		storagetest.WaitFor(t, "the replica to replay bob", func() bool {
			has, err := db.ReplicaHas(ctx, pos)
			return err == nil && has
		})
		if standby, err := db.Replica(mine).Standby(ctx); err != nil || !standby || !userSeen(t, db.Replica(mine), "bob") {
			t.Errorf("once replayed, the read after the write ran on a standby: %v, %v; want true and bob seen", standby, err)
		}
		if _, err := db.ReplicaHas(ctx, "not a position"); err == nil {
			t.Error("an invalid position was taken")
		}
	})
}

// TestReplicaDownSendsReadsToThePrimary: a read that meets the replica
// down fails as unavailable, and the reads after it go to the primary
// (here the "replica" URL names the primary itself, which has every
// write: a standby is not needed to see the fallback).
func TestReplicaDownSendsReadsToThePrimary(t *testing.T) {
	ctx := context.Background()
	url := storagetest.URL(t, "postgres")
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.OpenReplica(ctx, url); err != nil {
		t.Fatal(err)
	}
	mustUser(t, db, "alice")
	if has, err := db.ReplicaHas(ctx, "0/1"); err != nil || !has {
		t.Fatalf("a primary named as the replica: has %v, %v; want everything", has, err)
	}
	if !userSeen(t, db.Replica(ctx), "alice") {
		t.Fatal("alice unseen through the read pool")
	}
	db.BreakReplica()
	_, _, err = db.Replica(ctx).UserForLogin(ctx, "alice")
	if referralhub.ErrorCode(err) != referralhub.EUNAVAILABLE {
		t.Fatalf("a read on a replica that is down: %v, want unavailable", err)
	}
	if !userSeen(t, db.Replica(ctx), "alice") {
		t.Error("the read after the outage did not go to the primary")
	}
}
