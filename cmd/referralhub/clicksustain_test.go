package main

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// sustainedRate is the click rate TestSustainedClicksAreStoredAsFastAsServed
// holds for 10 s: one the flush must keep up with on either engine even on
// a busy test machine. bench/click.sh loads the server at full speed with
// 64 connections for 60 s.
const sustainedRate = 2000

// TestSustainedClicksAreStoredAsFastAsServed clicks links from 8 clients
// at sustainedRate for 10 seconds, then gives the flush 5 seconds: every
// click served must be in the database by then. A flush that fell behind
// (the single PostgreSQL flusher of issue 19 did, at full speed) would
// leave more than a flush interval's worth behind, and a buffer that
// dropped clicks would never store them.
func TestSustainedClicksAreStoredAsFastAsServed(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test")
	}
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, map[string]string{"REFERRALHUB_RATE_LIMIT_CLICK": "off"})
		_, base := startProgram(t, getenv, listeningLine, "serve")
		code := signupAndGetCode(t, base)
		const loaded = 10 * time.Second
		load := startPacedClickLoad(base, code, loadClients, sustainedRate)
		time.Sleep(loaded)
		served := load.end()
		drain := drainTime(t, getenv("REFERRALHUB_DATABASE_URL"), int64(len(served)), 5*time.Second)
		t.Logf("sustained clicks on %s: %d served in %v (%.0f/s), all stored %v after the load ended; %d requests failed",
			engine, len(served), loaded, float64(len(served))/loaded.Seconds(), drain.Round(10*time.Millisecond), load.failed.Load())
		if float64(len(served)) < 0.9*sustainedRate*loaded.Seconds() {
			t.Fatalf("only %d clicks served in %v: the load did not reach its rate", len(served), loaded)
		}
		if lost, _ := missing(t, getenv("REFERRALHUB_DATABASE_URL"), served, time.Second); len(lost) > 0 {
			t.Fatalf("%d of %d clicks served are not stored", len(lost), len(served))
		}
	})
}

// drainTime waits up to limit for the database at dbURL to hold n clicks
// and returns how long it took; the test fails when it holds fewer by then.
func drainTime(t *testing.T, dbURL string, n int64, limit time.Duration) time.Duration {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	began := time.Now()
	for {
		stored, err := db.Read().CountClicks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if stored >= n {
			return time.Since(began)
		}
		if time.Since(began) > limit {
			t.Fatalf("%d of %d clicks served stored %v after the load ended: the flush fell behind", stored, n, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
