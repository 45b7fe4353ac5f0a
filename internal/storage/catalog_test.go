package storage_test

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestFindTextSearchesTheCatalog finds a value in every kind of text
// column, whatever its case, and treats LIKE's wildcards literally.
func TestFindTextSearchesTheCatalog(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustUser(t, db, "zed")
		_, err := db.Write().EnqueueJob(ctx, referralhub.Job{Kind: "mail", Payload: []byte(`{"email":"Zed@Example.com"}`),
			MaxAttempts: 1, RunAt: t0, CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		hits, err := db.FindText(ctx, "ZED@example.COM", "z_d", "5%")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, h := range hits {
			got[h.Table+"."+h.Column] = true
			if h.Text != "ZED@example.COM" {
				t.Errorf("a wildcard matched: %s", h)
			}
		}
		for _, col := range []string{"users.email", "users.email_key", "jobs.payload"} {
			if !got[col] {
				t.Errorf("%s not found in %v", col, hits)
			}
		}
	})
}
