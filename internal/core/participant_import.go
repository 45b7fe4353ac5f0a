package core

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Bulk import of participants a business already has: rows of external
// id, email, name, plan, code and who referred them, from a file or the
// API. The rows are read twice: once to check every row (and which
// referrals they make) before anything is written, so a bad row is never
// half applied, then to write the good ones in batches; the referrals go
// last, once every referrer exists, wherever it stood in the input.

// Import formats.
const (
	ImportCSV    = "csv"
	ImportNDJSON = "ndjson"
)

// Statuses of an import row.
const (
	ImportInserted  = "inserted"
	ImportUpdated   = "updated"
	ImportUnchanged = "unchanged"
	ImportRejected  = "rejected"
)

// importBatch is how many rows an import looks up and writes at a time,
// each batch in one transaction.
const importBatch = 50000

// ImportOptions says how to run an import.
type ImportOptions struct {
	Format string // ImportCSV or ImportNDJSON
	DryRun bool   // check everything, write nothing
	// Reward runs the program's rules on the imported referrals, as for a
	// new signup (rewards, mails, webhooks); otherwise they are recorded
	// as history only.
	Reward  bool
	MaxRows int    // refuse input with more rows; 0 for no limit
	Source  string // who imports, for the audit log: "cli", "api key 3"
	// Result hears every row's result, in input order; nil for none.
	Result func(ImportResult) error
	// Progress hears how far the import is, now and then; nil for none.
	Progress func(ImportProgress)
}

// ImportProgress is how far an import is: Done of Total in its Phase,
// "checking" (bytes read; Total is 0 when the size is unknown), "writing"
// (rows) or "referrals"; Rows is the rows done in the phase.
type ImportProgress struct {
	Phase             string
	Done, Total, Rows int64
}

// ImportResult is what became of one input row.
type ImportResult struct {
	Line       int
	ExternalID string
	Status     string // ImportInserted, ImportUpdated, ImportUnchanged or ImportRejected
	ID         int64  // the participant's id; 0 when rejected, or new in a dry run
	Code       string
	Reason     string // why it was rejected
}

// ImportSummary counts an import's rows by what became of them, and the
// referrals it recorded (or would, in a dry run).
type ImportSummary struct {
	Rows, Inserted, Updated, Unchanged, Rejected, Referrals int
}

func (sum *ImportSummary) add(r ImportResult) {
	sum.Rows++
	switch r.Status {
	case ImportInserted:
		sum.Inserted++
	case ImportUpdated:
		sum.Updated++
	case ImportUnchanged:
		sum.Unchanged++
	case ImportRejected:
		sum.Rejected++
	}
}

// ImportParticipants imports the participants in src, size bytes long (0
// when unknown, for progress only). Input it cannot read at all (a bad
// header, an unknown field, too many rows, a read error) fails it before
// anything is written; bad rows are rejected one by one, with their line
// and reason, and the others imported. A database failure part way
// leaves the transactions already committed, each a whole batch of rows;
// running it again completes the import.
func (s *Service) ImportParticipants(ctx context.Context, src io.ReadSeeker, size int64, opt ImportOptions) (ImportSummary, error) {
	imp := &importRun{s: s, opt: opt, now: s.now().UTC().Truncate(time.Microsecond)}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"checked", func() error { return imp.check(ctx, src, size) }},
		{"resolved referrals", func() error { return imp.resolve(ctx) }},
		{"wrote participants", func() error { return imp.write(ctx, rewound(src)) }},
		{"wrote referrals", func() error { return imp.writeReferrals(ctx) }},
		{"finished", func() error { return imp.finish(ctx) }},
	}
	for _, st := range steps {
		began := time.Now()
		if err := st.fn(); err != nil {
			return imp.sum, err
		}
		s.log.InfoContext(ctx, "import: "+st.name, "elapsed", time.Since(began).Round(time.Millisecond))
	}
	return imp.sum, nil
}

// rewound is src read again from its start.
func rewound(src io.ReadSeeker) io.Reader {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return &failedReader{fmt.Errorf("read the input again: %w", err)}
	}
	return src
}

// failedReader fails every read with its error.
type failedReader struct{ err error }

func (f *failedReader) Read([]byte) (int, error) { return 0, f.err }

// importRun is one import's state between its passes.
type importRun struct {
	s   *Service
	opt ImportOptions
	now time.Time
	// rows maps each external id in the input to its first row.
	rows map[string]importRow
	// codes maps each code a new row asks for to that row's external id.
	codes   map[string]string
	rejects map[int]string // line -> reason
	hosted  map[int]int64  // lines naming a hosted participant by code -> its id
	edges   []importEdge   // the referrals the rows make, in line order
	anyone  bool           // the table had participants when the import began
	// campaigns maps each campaign's slug to its id.
	campaigns map[string]int64
	nrows     int64
	sum       ImportSummary
	// standing is how the program qualifies referrals and awards badges.
	standing storage.RebuildInput
}

// importRow is what the import keeps of a row between its passes.
type importRow struct {
	line int32
	ok   bool  // the row is (still) accepted
	id   int64 // the existing participant, 0 for a new one (until written)
}

// importEdge is a referral a row makes: its referee is the row.
type importEdge struct {
	line        int32
	ext, ref    string
	at          time.Time
	refereeID   int64 // an existing referee, else 0
	oldReferrer int64 // who referred an existing referee, 0 for nobody
	from        string
	rejected    bool
}

func (imp *importRun) reject(line int, reason string) {
	if _, done := imp.rejects[line]; !done {
		imp.rejects[line] = reason
	}
}

// progress tells opt.Progress how far the import is.
func (imp *importRun) progress(phase string, done, total, rows int64) {
	if imp.opt.Progress != nil {
		imp.opt.Progress(ImportProgress{Phase: phase, Done: done, Total: total, Rows: rows})
	}
}

// finish records the import in the audit log and brings the cached
// leaderboards and the analytics in line with what it added.
func (imp *importRun) finish(ctx context.Context) error {
	sum := imp.sum
	imp.rows, imp.codes, imp.edges = nil, nil, nil // done with: let the collector have them
	if imp.opt.DryRun || sum.Inserted+sum.Updated+sum.Referrals == 0 {
		return nil
	}
	s := imp.s
	if sum.Referrals > 0 {
		s.forgetBoards(imp.now)
	}
	if sum.Inserted+sum.Referrals > 0 {
		if err := s.RefreshAnalytics(ctx, true); err != nil {
			return fmt.Errorf("import: analytics: %w", err)
		}
	}
	detail := fmt.Sprintf("%d inserted, %d updated, %d unchanged, %d referrals, %d rejected",
		sum.Inserted, sum.Updated, sum.Unchanged, sum.Referrals, sum.Rejected)
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		return s.audit(ctx, q, referralhub.User{Username: imp.opt.Source}, "participants.import", imp.opt.Source, detail, s.now())
	})
}
