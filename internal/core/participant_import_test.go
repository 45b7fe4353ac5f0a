package core_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// importText imports text (CSV unless format says otherwise) and returns
// the summary and every row's result by line.
func (f *fixture) importText(t *testing.T, text string, opt core.ImportOptions) (core.ImportSummary, map[int]core.ImportResult) {
	t.Helper()
	if opt.Format == "" {
		opt.Format = core.ImportCSV
	}
	results := map[int]core.ImportResult{}
	opt.Result = func(r core.ImportResult) error {
		if _, dup := results[r.Line]; dup {
			t.Errorf("line %d reported twice", r.Line)
		}
		results[r.Line] = r
		return nil
	}
	sum, err := f.svc.ImportParticipants(context.Background(), strings.NewReader(text), int64(len(text)), opt)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return sum, results
}

// exported returns the export as lines of its columns, link included.
func (f *fixture) exported(t *testing.T) []string {
	t.Helper()
	var lines []string
	_, err := f.svc.ExportParticipants(context.Background(), func(p core.ExportedParticipant) error {
		lines = append(lines, strings.Join([]string{p.ExternalID, p.Email, p.Name, p.Plan, p.Code, p.ReferredBy,
			p.ReferredAt.String(), p.CreatedAt.String(), p.Link}, ","))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

const importHeader = "external_id,email,name,plan,code,referred_by,referred_at,created_at\n"

// TestImportRejectsEachKindWithItsLine: every kind of bad row is
// rejected with its line and reason, is counted, and writes nothing; the
// good rows around them are imported, referrers later in the file too.
func TestImportRejectsEachKindWithItsLine(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.importText(t, importHeader+"taken,t@example.com,,,zzzz0001,,,\n", core.ImportOptions{})
		text := importHeader +
			"ann,ann@example.com,Ann,free,,bob,2024-01-05,2024-01-01\n" + // 2: referrer further down
			"bob,bob@example.com,Bob,paid,BOB00001,,,2023-12-01\n" + // 3: code kept, lower-cased
			"c1,not-an-email,,,,,,\n" + // 4
			"c2,c2@example.com,,gold,,,,\n" + // 5
			"ann,again@example.com,,,,,,\n" + // 6
			"c3,c3@example.com,,,,nobody,,\n" + // 7
			"c4,c4@example.com,,,,c4,,\n" + // 8
			"c5,c5@example.com,,,zzzz0001,,,\n" + // 9: taken in the database
			"c6,c6@example.com,,,bob00001,,,\n" + // 10: taken in the file
			"c7,c7@example.com,,,ab,,,\n" + // 11
			"c8,c8@example.com,,,,c1,,\n" + // 12: referrer rejected
			"c9,c9@example.com,,,,bob00001,,\n" + // 13: referrer by code
			"c10,c10@example.com,,,,,not-a-date,\n" + // 14
			"c11,c11@example.com,,,,,,\n" // 15
		sum, res := f.importText(t, text, core.ImportOptions{})
		want := map[int]string{4: "bad email", 5: "unknown plan", 6: "duplicate external id", 7: "does not exist",
			8: "self-referral", 9: "taken code", 10: "taken code", 11: "invalid code", 12: `referrer "c1" does not exist`,
			14: "bad referred_at"}
		for line, reason := range want {
			if r := res[line]; r.Status != core.ImportRejected || !strings.Contains(r.Reason, reason) {
				t.Errorf("line %d = %+v, want rejected for %q", line, r, reason)
			}
		}
		for _, line := range []int{2, 3, 13, 15} {
			if r := res[line]; r.Status != core.ImportInserted || r.ID == 0 || len(r.Code) != 8 {
				t.Errorf("line %d = %+v, want inserted", line, r)
			}
		}
		if res[3].Code != "bob00001" {
			t.Errorf("bob's code = %q, want the one given, lower-cased", res[3].Code)
		}
		if sum != (core.ImportSummary{Rows: 14, Inserted: 4, Rejected: 10, Referrals: 2}) {
			t.Errorf("summary = %+v", sum)
		}
		for _, ext := range []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c10"} {
			if _, err := f.svc.Participant(context.Background(), core.ExternalPrefix+ext); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
				t.Errorf("rejected %s was stored: %v", ext, err)
			}
		}
		ann, err := f.svc.Participant(context.Background(), "ext:ann")
		if err != nil || ann.Email != "ann@example.com" || ann.ReferrerExternalID != "bob" {
			t.Fatalf("ann = %+v, %v", ann, err)
		}
	})
}

// TestImportRerunChangesNothing: the same file again reports every row
// unchanged and leaves the export as it was; a changed email and plan
// update their participant and nothing else.
func TestImportRerunChangesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		text := importHeader + "a,a@example.com,A,free,,,,2024-01-01\nb,b@example.com,B,paid,,a,2024-02-01,2024-01-15\nc,,,,,b,,\n"
		first, _ := f.importText(t, text, core.ImportOptions{})
		if first != (core.ImportSummary{Rows: 3, Inserted: 3, Referrals: 2}) {
			t.Fatalf("first run = %+v", first)
		}
		before := f.exported(t)
		again, res := f.importText(t, text, core.ImportOptions{})
		if again != (core.ImportSummary{Rows: 3, Unchanged: 3}) {
			t.Fatalf("second run = %+v", again)
		}
		if after := f.exported(t); !slices.Equal(before, after) {
			t.Fatalf("the second run changed the export:\n%q\n%q", before, after)
		}
		if res[2].Code == "" || res[2].ID == 0 {
			t.Errorf("an unchanged row's result = %+v, want its id and code", res[2])
		}
		changed, res := f.importText(t, "external_id,email,plan\na,new@example.com,paid\n", core.ImportOptions{})
		if changed != (core.ImportSummary{Rows: 1, Updated: 1}) {
			t.Fatalf("update = %+v", changed)
		}
		a, _ := f.svc.Participant(context.Background(), "ext:a")
		if a.Email != "new@example.com" || a.Plan != "paid" || a.Name != "A" || a.Code != res[2].Code {
			t.Fatalf("a = %+v: email and plan change, the name (no column) and the code stay", a)
		}
	})
}

// TestImportCycles: referrals that would close a cycle are rejected, in
// the file (a -> b -> c -> a) and through a referral already recorded
// (x referred y before; now y is said to have referred x), and so are the
// rows referred by a new participant on a cycle.
func TestImportCycles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.importText(t, importHeader+"x,,,,,,,\ny,,,,,x,,\n", core.ImportOptions{})
		text := importHeader + "a,,,,,c,,\nb,,,,,a,,\nc,,,,,b,,\nd,,,,,a,,\nx,,,,,y,,\ne,,,,,d,,\nok,,,,,y,,\n"
		sum, res := f.importText(t, text, core.ImportOptions{})
		for _, line := range []int{2, 3, 4, 6} {
			if r := res[line]; r.Status != core.ImportRejected || !strings.Contains(r.Reason, "referral cycle") {
				t.Errorf("line %d = %+v, want a cycle", line, r)
			}
		}
		for _, line := range []int{5, 7} {
			if r := res[line]; r.Status != core.ImportRejected || !strings.Contains(r.Reason, "was rejected") {
				t.Errorf("line %d = %+v, want its referrer rejected", line, r)
			}
		}
		if r := res[8]; r.Status != core.ImportInserted {
			t.Errorf("line 8 = %+v, want inserted", r)
		}
		if sum.Referrals != 1 || sum.Rejected != 6 {
			t.Errorf("summary = %+v", sum)
		}
	})
}

// TestImportKeepsCodes: a code given for a new participant is kept; an
// existing participant's code never changes (a row that would change it
// is rejected, whole); a participant without one gets a fresh one.
func TestImportKeepsCodes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		_, res := f.importText(t, "external_id,code\nk1,KEEP0001\nk2,\n", core.ImportOptions{})
		if res[2].Code != "keep0001" || len(res[3].Code) != 8 || res[3].Code == res[2].Code {
			t.Fatalf("codes = %q, %q", res[2].Code, res[3].Code)
		}
		sum, res := f.importText(t, "external_id,email,code\nk1,new@example.com,keep0002\nk2,,"+res[3].Code+"\n", core.ImportOptions{})
		if r := res[2]; r.Status != core.ImportRejected || !strings.Contains(r.Reason, "never changes") {
			t.Fatalf("changing a code = %+v", r)
		}
		if sum.Unchanged != 1 {
			t.Fatalf("summary = %+v", sum)
		}
		k1, _ := f.svc.Participant(context.Background(), "ext:k1")
		if k1.Code != "keep0001" || k1.Email != "" {
			t.Fatalf("k1 = %+v: the rejected row was half applied", k1)
		}
		if link := f.exported(t)[0]; !strings.HasSuffix(link, "http://refer.example.com/r/keep0001") {
			t.Fatalf("export line = %q", link)
		}
	})
}

// TestImportDryRunWritesNothing: a dry run reports what would happen,
// rejects included, and stores nothing.
func TestImportDryRunWritesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		before := f.exported(t)
		text := importHeader + "a,a@example.com,,,,,,\nb,,,,,a,,\nc,bad,,,,,,\n"
		sum, res := f.importText(t, text, core.ImportOptions{DryRun: true})
		if sum != (core.ImportSummary{Rows: 3, Inserted: 2, Rejected: 1, Referrals: 1}) {
			t.Fatalf("dry run = %+v", sum)
		}
		if res[2].Status != core.ImportInserted || res[2].ID != 0 {
			t.Fatalf("dry-run row = %+v", res[2])
		}
		if after := f.exported(t); !slices.Equal(before, after) {
			t.Fatalf("the dry run wrote: %q", after)
		}
	})
}

// TestImportNDJSON reads NDJSON rows (numbers as text, null as absent,
// blank lines skipped), rejects a line that is no object, and refuses a
// field it does not know before writing anything.
func TestImportNDJSON(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		text := `{"external_id": 42, "email": "n@example.com", "plan": "paid"}` + "\n\n" +
			`{"external_id": "43", "referred_by": "42", "name": null}` + "\n" + `[1]` + "\n"
		sum, res := f.importText(t, text, core.ImportOptions{Format: core.ImportNDJSON})
		if sum != (core.ImportSummary{Rows: 3, Inserted: 2, Rejected: 1, Referrals: 1}) {
			t.Fatalf("summary = %+v", sum)
		}
		if res[1].ExternalID != "42" || res[3].Status != core.ImportInserted || res[4].Status != core.ImportRejected {
			t.Fatalf("results = %+v", res)
		}
		p, _ := f.svc.Participant(context.Background(), "ext:43")
		if p.ReferrerExternalID != "42" {
			t.Fatalf("43 = %+v", p)
		}
		bad := `{"external_id": "44"}` + "\n" + `{"external_id": "45", "colour": "red", "age": 3}` + "\n"
		_, err := f.svc.ImportParticipants(context.Background(), strings.NewReader(bad), 0, core.ImportOptions{Format: core.ImportNDJSON})
		if referralhub.ErrorCode(err) != referralhub.EINVALID || !strings.Contains(err.Error(), `"age", "colour"`) {
			t.Fatalf("unknown fields: %v", err)
		}
		if _, err := f.svc.Participant(context.Background(), "ext:44"); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("a refused input wrote its first row: %v", err)
		}
	})
}

// TestImportRefusesABadHeader: unknown columns are named, and a missing
// external_id column refused, before anything is written.
func TestImportRefusesABadHeader(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		for text, want := range map[string]string{
			"external_id,email,phone,age\na,,,\n": `"phone", "age"`,
			"email\na@example.com\n":              "no external_id",
			"":                                    "empty",
		} {
			_, err := f.svc.ImportParticipants(context.Background(), strings.NewReader(text), 0, core.ImportOptions{Format: core.ImportCSV})
			if referralhub.ErrorCode(err) != referralhub.EINVALID || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: %v, want %q", text, err, want)
			}
		}
	})
}

// TestImportStanding: imported referrals count for their referrers
// (referral and qualified counts, leaderboard rows and rank counts,
// badges) exactly as a full rebuild finds them, and earn no rewards, mail
// or jobs; with Reward they run the program's rules.
func TestImportStanding(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		var b strings.Builder
		b.WriteString(importHeader)
		for i := range 30 {
			ref := ""
			if i >= 3 {
				ref = fmt.Sprintf("p%d", i%3) // p0, p1, p2 refer the rest
			}
			fmt.Fprintf(&b, "p%d,p%d@example.com,,,,%s,2026-10-%02d,2026-09-01\n", i, i, ref, 1+i%28)
		}
		sum, res := f.importText(t, b.String(), core.ImportOptions{})
		if sum.Referrals != 27 {
			t.Fatalf("summary = %+v %+v", sum, res)
		}
		standing := func() string {
			var out []string
			for _, ext := range []string{"p0", "p1", "p2"} {
				p, err := f.svc.Participant(context.Background(), "ext:"+ext)
				if err != nil {
					t.Fatal(err)
				}
				qualified, err := db.Read().QualifiedCount(context.Background(), p.ID)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprintf("%s referrals=%d qualified=%d", ext, p.ReferralCount, qualified))
				for _, period := range []string{referralhub.BoardAll, referralhub.BoardMonth, referralhub.BoardWeek} {
					board, err := f.svc.Leaderboard(context.Background(), p.ID, period)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, fmt.Sprintf("  %s: %+v you %+v", period, board.Entries, board.You))
				}
			}
			return strings.Join(out, "\n")
		}
		imported := standing()
		if !strings.Contains(imported, "p1 referrals=9 qualified=9") {
			t.Fatalf("standing after the import:\n%s", imported)
		}
		if err := f.svc.RebuildGamification(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rebuilt := standing(); rebuilt != imported {
			t.Fatalf("a rebuild disagrees with the import:\nimport:\n%s\nrebuild:\n%s", imported, rebuilt)
		}
		if n := f.runJobs(t); n != 0 || len(f.smtp.Messages()) != 0 {
			t.Fatalf("history ran %d jobs, sent %d mails", n, len(f.smtp.Messages()))
		}
		p0, _ := f.svc.Participant(context.Background(), "ext:p0")
		if p0.Points != 0 {
			t.Fatalf("history rewarded p0: %+v", p0)
		}
		f.importText(t, importHeader+"r1,r1@example.com,,,,p0,,\n", core.ImportOptions{Reward: true})
		if p0, _ = f.svc.Participant(context.Background(), "ext:p0"); p0.Points != 10 {
			t.Fatalf("with Reward, p0 = %+v, want the signup rule's 10 points", p0)
		}
		// Rewarded or not, an imported referral is marked so.
		page, err := f.svc.ParticipantReferrals(context.Background(), "ext:p0", 0, 100)
		if err != nil || len(page.Referrals) == 0 {
			t.Fatalf("p0's referrals: %+v, %v", page, err)
		}
		for _, r := range page.Referrals {
			if r.ImportedAt.IsZero() {
				t.Errorf("referral %d of p0 is not marked imported", r.ID)
			}
		}
	})
}
