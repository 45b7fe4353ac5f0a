package storagetest

import (
	"context"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
)

// AssertNowhere fails tb for each text column of each table (listed from
// the engine's catalog) that holds one of texts, regardless of case: a
// deleted account's email, say, or a raw IP address.
func AssertNowhere(tb testing.TB, db *storage.DB, texts ...string) {
	tb.Helper()
	hits, err := db.FindText(context.Background(), texts...)
	if err != nil {
		tb.Fatalf("search the database: %v", err)
	}
	for _, h := range hits {
		tb.Errorf("still in the database: %s", h)
	}
}

// AssertSomewhere fails tb unless text is in some text column: the
// control that shows AssertNowhere can see it.
func AssertSomewhere(tb testing.TB, db *storage.DB, text string) {
	tb.Helper()
	hits, err := db.FindText(context.Background(), text)
	if err != nil {
		tb.Fatalf("search the database: %v", err)
	}
	if len(hits) == 0 {
		tb.Errorf("%q is in no text column, so its absence later proves nothing", text)
	}
}
