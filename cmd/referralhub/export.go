package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/referralhub/referralhub/internal/config"
	"github.com/referralhub/referralhub/internal/core"
)

// exportSynopsis is the command line of "export participants".
const exportSynopsis = "export participants [FILE]"

// exportCmd is "export participants [FILE]": every participant as CSV, the
// import's columns plus their referral link, to FILE or standard output.
func exportCmd(env cmdEnv, args []string) error {
	if len(args) == 0 || args[0] != "participants" {
		return errors.New("usage: referralhub " + exportSynopsis)
	}
	fs := newFlagSet(env, "export participants", exportSynopsis, exportHelp+configHelp)
	files, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) > 1 {
		return unexpectedArgs("export participants", files[1:])
	}
	cfg, err := config.FromEnv(env.getenv)
	if err != nil {
		return err
	}
	return withApp(env, cfg, func(a *app) error {
		if err := a.db.LimitMemory(env.ctx); err != nil {
			return err
		}
		if len(files) == 0 {
			_, err := exportParticipants(env, a, env.stdout)
			return err
		}
		return exportToFile(env, a, files[0])
	})
}

const exportHelp = `
The columns are external_id, email, name, plan, code, referred_by,
referred_at, created_at and link; "referralhub import participants" reads
the file back without changing anything.
`

// exportToFile writes the export to path and says how many it wrote.
func exportToFile(env cmdEnv, a *app, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	n, err := exportParticipants(env, a, f)
	if err = errors.Join(err, f.Close()); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "exported %d participants to %s\n", n, path)
	return nil
}

// exportParticipants writes every participant to w as CSV.
func exportParticipants(env cmdEnv, a *app, w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	cw.Write(append(core.ImportColumnNames(), "link"))
	n, err := a.svc.ExportParticipants(env.ctx, func(p core.ExportedParticipant) error {
		return cw.Write([]string{core.ExportCell(p.ExternalID), core.ExportCell(p.Email), core.ExportCell(p.Name), p.Plan, p.Code,
			core.ExportCell(p.ReferredBy), exportTime(p.ReferredAt), exportTime(p.CreatedAt), p.Link})
	})
	cw.Flush()
	if err = errors.Join(err, cw.Error(), bw.Flush()); err != nil {
		return n, fmt.Errorf("export: %w", describe(err))
	}
	return n, nil
}

// exportTime writes a time as RFC 3339 in UTC to the microsecond, "" for
// none.
func exportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
}
