package main

import (
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestRecountRepairsTheCounts runs "referralhub recount" as the real
// program: it names a count edited behind the triggers' back and puts it
// right; run again, it has nothing to repair.
func TestRecountRepairsTheCounts(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		dbURL := getenv("REFERRALHUB_DATABASE_URL")
		db := migratedDB(t, dbURL)
		storagetest.LedgerFixture(t, db)
		if _, err := storagetest.Raw(t, dbURL).Exec(`UPDATE program_counts SET n = n + 9 WHERE name = 'participants'`); err != nil {
			t.Fatal(err)
		}
		out, code := runProgram(t, getenv, "recount")
		if code != 0 || !strings.Contains(out, "repaired participants: was 11, counted 2") || !strings.Contains(out, "(1 repaired)") {
			t.Fatalf("recount: exit %d, output:\n%s", code, out)
		}
		out, code = runProgram(t, getenv, "recount")
		if code != 0 || !strings.Contains(out, "program counts exact (0 repaired)") {
			t.Fatalf("second recount: exit %d, output:\n%s", code, out)
		}
	})
}
