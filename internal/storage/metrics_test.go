package storage_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestDatabaseSizeCountsWhatIsStored stores 4 MB of payloads that do not
// compress. On SQLite, where the test has the database to itself, the size
// must grow by at least half of that. On PostgreSQL the size is the whole
// test database, which other packages' tests share and shrink as they
// drop their schemas, so only that it is read and plausible is checked.
func TestDatabaseSizeCountsWhatIsStored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		before, err := db.Read().DatabaseSize(ctx)
		if err != nil || before <= 0 {
			t.Fatalf("size = %d, %v", before, err)
		}
		const rows, each = 4000, 1000
		err = db.InTx(ctx, func(q *storage.Queries) error {
			for i := range rows {
				payload := fmt.Sprintf(`{"s":%q}`, randomHex(t, each/2))
				job := referralhub.Job{Kind: "grow", Payload: []byte(payload), MaxAttempts: 1, RunAt: t0, CreatedAt: t0}
				if _, err := q.EnqueueJob(ctx, job); err != nil {
					return fmt.Errorf("job %d: %w", i, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		after, err := db.Read().DatabaseSize(ctx)
		switch {
		case err != nil:
			t.Fatal(err)
		case db.Engine() == "sqlite" && after-before < rows*each/2:
			t.Fatalf("size grew by %d bytes for %d bytes of payloads", after-before, rows*each)
		case after < 1<<20:
			t.Fatalf("size = %d bytes, less than the schema alone", after)
		}
	})
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
