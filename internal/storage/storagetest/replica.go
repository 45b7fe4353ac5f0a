package storagetest

import (
	"context"
	"net/url"
	"os"
	"testing"
	"time"
)

// EnvReplica names a streaming replica of EnvPostgres's server
// (scripts/pg-replica.sh makes one on 127.0.0.1:5433); tests of the read
// replica skip without it.
const EnvReplica = "REFERRALHUB_TEST_REPLICA_URL"

// ReplicaURL returns the replica's URL reading the same schema as the
// PostgreSQL test database at primaryURL (from URL), or skips tb when
// EnvReplica is unset.
func ReplicaURL(tb testing.TB, primaryURL string) string {
	tb.Helper()
	base := os.Getenv(EnvReplica)
	if base == "" {
		tb.Skip(EnvReplica + " is not set (bash scripts/pg-replica.sh)")
	}
	p, err := url.Parse(primaryURL)
	if err != nil {
		tb.Fatal(err)
	}
	r, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := r.Query()
	q.Set("search_path", p.Query().Get("search_path"))
	r.RawQuery = q.Encode()
	return r.String()
}

// PauseReplay stops the replica at replicaURL replaying the WAL it receives
// (pg_wal_replay_pause), so it lags the primary, until the returned resume
// is called; cleanup resumes it too, since other tests share the replica.
func PauseReplay(tb testing.TB, replicaURL string) (resume func()) {
	tb.Helper()
	raw := Raw(tb, replicaURL)
	resume = func() {
		if _, err := raw.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
			tb.Errorf("resume replay: %v", err)
		}
	}
	if _, err := raw.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		tb.Fatalf("pause replay: %v", err)
	}
	tb.Cleanup(func() { raw.Exec(`SELECT pg_wal_replay_resume()`) })
	return resume
}

// WaitFor polls ok every 20 ms until it is true, failing tb after 20 s.
func WaitFor(tb testing.TB, what string, ok func() bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for !ok() {
		select {
		case <-ctx.Done():
			tb.Fatalf("timed out waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
