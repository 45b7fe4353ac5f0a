package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		applied, err := db.Migrate(ctx, t0)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
		pending, err := db.PendingMigrations(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending = %v, err %v", pending, err)
		}
	})
}

func TestPendingMigrationsOnEmptyDatabase(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db, err := storage.Open(context.Background(), storagetest.URL(t, engine))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			pending, err := db.PendingMigrations(context.Background())
			if err != nil || len(pending) == 0 {
				t.Fatalf("pending = %v, err %v; want every migration", pending, err)
			}
		})
	}
}

// TestANewerSchemaIsRefused: a database with a migration this binary does
// not know is refused, naming both versions, by Migrate (which applies
// nothing) and CheckSchemaNotAhead; PendingMigrations still lists none,
// so instances already serving during an upgrade stay ready.
func TestANewerSchemaIsRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if err := db.CheckSchemaNotAhead(ctx); err != nil {
			t.Fatalf("an up-to-date schema: %v", err)
		}
		if err := db.RecordMigration(ctx, 9001, "9001_from_the_future.sql"); err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{"check": db.CheckSchemaNotAhead(ctx), "migrate": migrateErr(db)} {
			var ahead *storage.SchemaAheadError
			if !errors.As(err, &ahead) || ahead.Database != 9001 || ahead.DatabaseName != "9001_from_the_future.sql" || ahead.Binary < 13 ||
				!strings.Contains(err.Error(), "migration 9001 (9001_from_the_future.sql), newer than this binary's") {
				t.Errorf("%s: %v, want a SchemaAheadError naming both versions", name, err)
			}
		}
		if pending, err := db.PendingMigrations(ctx); err != nil || len(pending) != 0 {
			t.Errorf("pending = %v, %v", pending, err)
		}
	})
}

func migrateErr(db *storage.DB) error {
	_, err := db.Migrate(context.Background(), t0)
	return err
}
