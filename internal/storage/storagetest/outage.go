package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// Outage is a fresh migrated database that a test can make unreachable,
// really: on PostgreSQL it is reached through a Proxy, which Begin stops
// (connections refused and cut) and End starts again; on SQLite Begin
// closes the database, which stays closed.
type Outage struct {
	DB    *storage.DB
	proxy *Proxy // nil on SQLite
}

// OpenOutage opens a fresh migrated database on engine, closed at cleanup.
func OpenOutage(tb testing.TB, engine string) *Outage {
	tb.Helper()
	dbURL := URL(tb, engine)
	o := &Outage{}
	if engine == "postgres" {
		dbURL, o.proxy = Proxied(tb, dbURL)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		tb.Fatalf("open %s: %v", engine, err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, time.Now()); err != nil {
		tb.Fatalf("migrate %s: %v", engine, err)
	}
	o.DB = db
	return o
}

// Begin makes the database unreachable.
func (o *Outage) Begin() {
	if o.proxy == nil {
		o.DB.Close()
		return
	}
	o.proxy.Stop()
}

// End makes the database reachable again and reports true, or reports
// false on SQLite, whose closed database cannot come back.
func (o *Outage) End(tb testing.TB) bool {
	if o.proxy == nil {
		return false
	}
	o.proxy.Start(tb)
	return true
}

// EachOutage runs fn as a subtest once per engine, each with a fresh
// database it can make unreachable.
func EachOutage(t *testing.T, fn func(t *testing.T, o *Outage)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) { fn(t, OpenOutage(t, engine)) })
	}
}
