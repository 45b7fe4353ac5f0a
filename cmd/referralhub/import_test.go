package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/core"
)

// runOut runs a command and returns what it printed on standard output.
func runOut(t *testing.T, getenv func(string) string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, getenv, &out, io.Discard)
	return out.String(), err
}

// TestImportCommandWritesRejectsBesideTheFile: the import prints its
// summary, writes each rejected row with its line and reason to
// NAME.rejects.csv beside the input and exits 0; a dry run writes nothing;
// a bad header and a missing file stop it with an error.
func TestImportCommandWritesRejectsBesideTheFile(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		dir := t.TempDir()
		in := filepath.Join(dir, "participants.csv")
		text := "external_id,email,referred_by\na,a@example.com,\nb,not-an-email,\nc,c@example.com,a\nd,d@example.com,zed\n"
		if err := os.WriteFile(in, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := runOut(t, getenv, "import", "participants", in, "--dry-run")
		if err != nil || !strings.Contains(out, "2 inserted") || !strings.Contains(out, "dry run") {
			t.Fatalf("dry run: %v\n%s", err, out)
		}
		if out, _ := runOut(t, getenv, "export", "participants"); strings.Count(out, "\n") != 1 {
			t.Fatalf("the dry run wrote:\n%s", out)
		}
		out, err = runOut(t, getenv, "import", "participants", in)
		if err != nil || !strings.Contains(out, "4 rows: 2 inserted, 0 updated, 0 unchanged, 1 referrals, 2 rejected") {
			t.Fatalf("import: %v\n%s", err, out)
		}
		rejects, err := os.ReadFile(filepath.Join(dir, "participants.rejects.csv"))
		want := "line,external_id,reason\n3,b,\"bad email \"\"not-an-email\"\"\"\n5,d,\"referrer \"\"zed\"\" does not exist\"\n"
		if err != nil || string(rejects) != want {
			t.Fatalf("rejects file: %v\n%s\nwant\n%s", err, rejects, want)
		}
		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte("external_id,shoe_size\na,42\n"), 0o600)
		if _, err := runOut(t, getenv, "import", "participants", bad); err == nil || !strings.Contains(err.Error(), `"shoe_size"`) {
			t.Fatalf("bad header: %v", err)
		}
		if _, err := runOut(t, getenv, "import", "participants", filepath.Join(dir, "missing.csv")); err == nil {
			t.Fatal("a missing file imported")
		}
	})
}

// TestExportReadBackByImportChangesNothing: the export of a database
// holding a hosted signup, imported participants with a referral and a
// kept code, and a name a spreadsheet would run as a formula, read back
// by the import, leaves every row unchanged and the export the same.
func TestExportReadBackByImportChangesNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		if _, err := userCreate(getenv, "hosted", strings.NewReader("a hosted password"), nil, "--password-stdin"); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		in := filepath.Join(dir, "in.ndjson")
		rows := `{"external_id":"e1","email":"e1@example.com","name":"=SUM(A1)","plan":"paid","code":"keep0001"}` + "\n" +
			`{"external_id":"e2","referred_by":"keep0001","referred_at":"2026-01-02T03:04:05.123456Z","created_at":"2026-01-01"}` + "\n"
		os.WriteFile(in, []byte(rows), 0o600)
		if out, err := runOut(t, getenv, "import", "participants", in); err != nil || !strings.Contains(out, "2 inserted") {
			t.Fatalf("import: %v\n%s", err, out)
		}
		export := filepath.Join(dir, "export.csv")
		if _, err := runOut(t, getenv, "export", "participants", export); err != nil {
			t.Fatal(err)
		}
		first, _ := os.ReadFile(export)
		for _, want := range []string{"external_id,email,name,plan,code,referred_by,referred_at,created_at,link\n",
			"e1,e1@example.com,'=SUM(A1),paid,keep0001,,,", "/r/keep0001\n", "e2,,,free,", ",e1,2026-01-02T03:04:05.123456Z,2026-01-01T00:00:00Z,",
			",hosted@example.com,hosted,free,"} {
			if !strings.Contains(string(first), want) {
				t.Errorf("export lacks %q:\n%s", want, first)
			}
		}
		out, err := runOut(t, getenv, "import", "participants", export)
		if err != nil || !strings.Contains(out, "3 rows: 0 inserted, 0 updated, 3 unchanged, 0 referrals, 0 rejected") {
			t.Fatalf("the export read back: %v\n%s", err, out)
		}
		stdout, err := runOut(t, getenv, "export", "participants")
		if err != nil || stdout != string(first) {
			t.Fatalf("the export changed:\n%s\nthen\n%s", first, stdout)
		}
	})
}

// TestProgressLine: the bar shows the phase, the share done, the rows per
// second and the time left.
func TestProgressLine(t *testing.T) {
	got := progressLine(core.ImportProgress{Phase: "writing", Done: 250, Total: 1000, Rows: 250}, 5*time.Second)
	want := "writing   [#######.......................]  25%  250 rows  50 rows/s  15s left"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	var b bytes.Buffer
	p := newProgress(&b, false)
	clock := time.Unix(0, 0)
	p.now = func() time.Time { return clock }
	for i := range 10 {
		clock = clock.Add(time.Second)
		p.update(core.ImportProgress{Phase: "writing", Done: int64(i), Total: 100, Rows: int64(i)})
	}
	if n := strings.Count(b.String(), "\n"); n != 1 {
		t.Fatalf("off a terminal, 10 s of progress printed %d lines, want one every 5 s:\n%s", n, b.String())
	}
}
