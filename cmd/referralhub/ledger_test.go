package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestLedgerVerifyExitStatus runs "referralhub ledger verify" as the real
// program: it exits 0 on an intact ledger, and after an edit by SQL exits
// 1 naming the entry and its beneficiary; each run is recorded.
func TestLedgerVerifyExitStatus(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		dbURL := getenv("REFERRALHUB_DATABASE_URL")
		ctx := context.Background()
		db := migratedDB(t, dbURL)
		l := storagetest.LedgerFixture(t, db)

		out, code := runProgram(t, getenv, "ledger", "verify")
		if code != 0 || !strings.Contains(out, "ledger intact: 2 chains, 12 records") {
			t.Fatalf("intact ledger: exit %d, output:\n%s", code, out)
		}
		if _, err := storagetest.Raw(t, dbURL).Exec(`UPDATE rewards SET amount = amount + 1 WHERE id = $1`, l.Held); err != nil {
			t.Fatal(err)
		}
		out, code = runProgram(t, getenv, "ledger", "verify")
		entry := "entry " + strconv.FormatInt(l.Held, 10) + " (beneficiary " + strconv.FormatInt(l.A, 10) + ")"
		if code != 1 || !strings.Contains(out, "the ledger is broken (1 of 2 chains): first at "+entry) ||
			!strings.Contains(out, "content does not match its hash") {
			t.Fatalf("edited ledger: exit %d, output:\n%s", code, out)
		}
		c, found, err := db.Read().LastLedgerCheck(ctx)
		if err != nil || !found || c.OK || c.ID != 2 {
			t.Errorf("last recorded check = %+v, %v, %v; want the second, broken", c, found, err)
		}
	})
}

// runProgram runs the program to its end with args, as production would,
// and returns its output (stdout and stderr) and exit status.
func runProgram(t *testing.T, getenv func(string) string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	for _, k := range []string{"REFERRALHUB_DATABASE_URL", "REFERRALHUB_SECRET_KEY", "REFERRALHUB_DATA_DIR"} {
		cmd.Env = append(cmd.Env, k+"="+getenv(k))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return out.String(), cmd.ProcessState.ExitCode()
}
