package storage_test

import (
	"context"
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
