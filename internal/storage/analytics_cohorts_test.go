package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestAnalyticsCohorts checks retention and purchase value by signup month
// and origin.
func TestAnalyticsCohorts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		storagetest.AnalyticsFixture(t, db)
		refreshAll(t, db)
		cohorts, err := db.Read().AnalyticsCohorts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := "[{2026-10 false 2 2 1 0 []} {2026-10 true 1 1 1 0 []} {2026-11 false 1 1 0 1 [{usd 2000}]} " +
			"{2026-11 true 6 6 1 2 [{eur 700} {usd 1500}]} {2026-12 true 1 0 0 0 []}]"
		if fmt.Sprint(cohorts) != want {
			t.Errorf("cohorts =\n%v\nwant\n%s", cohorts, want)
		}
	})
}
