package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub/internal/config"
	"github.com/referralhub/referralhub/internal/core"
	"golang.org/x/term"
)

// importSynopsis is the command line of "import participants".
const importSynopsis = "import participants FILE [--format csv|ndjson] [--dry-run] [--reward]"

// importCmd is "import participants FILE": it brings a business's existing
// users in, writes the rows it rejects to FILE's rejects file, and prints
// a summary. It fails only when the import cannot run at all.
func importCmd(env cmdEnv, args []string) error {
	if len(args) == 0 || args[0] != "participants" {
		return errors.New("usage: referralhub " + importSynopsis)
	}
	var format string
	var opt core.ImportOptions
	fs := newFlagSet(env, "import participants", importSynopsis, importHelp+configHelp)
	fs.StringVar(&format, "format", "", "csv or ndjson (default: ndjson for .ndjson and .jsonl files, else csv)")
	fs.BoolVar(&opt.DryRun, "dry-run", false, "check every row and write nothing to the database")
	fs.BoolVar(&opt.Reward, "reward", false, "run the program's rules on the imported referrals (rewards, mails, webhooks)")
	files, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("referralhub import participants: give one FILE (see referralhub import participants -h)")
	}
	if opt.Format, err = importFormat(format, files[0]); err != nil {
		return err
	}
	in, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer in.Close()
	cfg, err := config.FromEnv(env.getenv)
	if err != nil {
		return err
	}
	// The import keeps every external id of the file in memory; a soft
	// limit makes the collector work harder instead of doubling the heap.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	return withApp(env, cfg, func(a *app) error {
		if err := a.db.LimitMemory(env.ctx); err != nil {
			return err
		}
		return runImport(env, a, in, files[0], opt)
	})
}

// importMemoryLimit is the import's soft memory limit for Go's heap.
const importMemoryLimit = 256 << 20

const importHelp = `
FILE is CSV with a header line, or NDJSON (one JSON object a line). The
columns are external_id (required), email, name, plan (free or paid),
code, referred_by (the referrer's external id or code), referred_at and
created_at. Rows it cannot import go to FILE's rejects file
(participants.csv -> participants.rejects.csv) with their line and reason.
`

// runImport imports the open file and reports on it.
func runImport(env cmdEnv, a *app, in *os.File, path string, opt core.ImportOptions) error {
	var size int64
	if st, err := in.Stat(); err == nil {
		size = st.Size()
	}
	rejects := newRejectsFile(rejectsPath(path))
	defer rejects.close()
	opt.Source = "cli"
	opt.Result = rejects.add
	bar := newProgress(env.stderr, isTerminal(env.stderr))
	opt.Progress = bar.update
	sum, err := a.svc.ImportParticipants(env.ctx, in, size, opt)
	bar.done()
	if err != nil {
		return fmt.Errorf("import %s: %w", path, describe(err))
	}
	if err := rejects.close(); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s: %d rows: %d inserted, %d updated, %d unchanged, %d referrals, %d rejected\n",
		path, sum.Rows, sum.Inserted, sum.Updated, sum.Unchanged, sum.Referrals, sum.Rejected)
	if sum.Rejected > 0 {
		fmt.Fprintf(env.stdout, "rejected rows, with their line and reason: %s\n", rejects.path)
	}
	if opt.DryRun {
		fmt.Fprintln(env.stdout, "dry run: nothing was written to the database")
	}
	return nil
}

// importFormat is the --format given, or the one the file's name implies.
func importFormat(flagValue, path string) (string, error) {
	switch flagValue {
	case core.ImportCSV, core.ImportNDJSON:
		return flagValue, nil
	case "":
	default:
		return "", fmt.Errorf("--format is csv or ndjson, not %q", flagValue)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ndjson", ".jsonl":
		return core.ImportNDJSON, nil
	}
	return core.ImportCSV, nil
}

// rejectsPath is where an input's rejects go: beside it, with its
// extension replaced (participants.csv -> participants.rejects.csv).
func rejectsPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".rejects.csv"
}

// rejectsFile writes rejected rows as CSV, creating the file at the first
// one; an import with none removes the file a previous run left.
type rejectsFile struct {
	path   string
	f      *os.File
	w      *csv.Writer
	closed bool
}

func newRejectsFile(path string) *rejectsFile { return &rejectsFile{path: path} }

// add writes a rejected row; other results pass.
func (r *rejectsFile) add(res core.ImportResult) error {
	if res.Status != core.ImportRejected {
		return nil
	}
	if r.f == nil {
		f, err := os.Create(r.path)
		if err != nil {
			return fmt.Errorf("rejects file: %w", err)
		}
		r.f, r.w = f, csv.NewWriter(f)
		r.w.Write([]string{"line", "external_id", "reason"})
	}
	return r.w.Write([]string{strconv.Itoa(res.Line), core.ExportCell(res.ExternalID), core.ExportCell(res.Reason)})
}

// close flushes and closes the file, or removes a stale one when no row
// was rejected. Calls after the first do nothing.
func (r *rejectsFile) close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.f == nil {
		if err := os.Remove(r.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	r.w.Flush()
	return errors.Join(r.w.Error(), r.f.Close())
}

// parseInterleaved parses flags that may come before or after the
// positional arguments, and returns those.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if args = fs.Args(); len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
