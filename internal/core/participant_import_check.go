package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// check is the first pass: it reads every row, checks it on its own and
// against the database a batch at a time (existing participants, taken
// codes), finds duplicate external ids, and keeps the referrals the good
// rows make. It writes nothing.
func (imp *importRun) check(ctx context.Context, src io.Reader, size int64) error {
	imp.rows, imp.codes = map[string]importRow{}, map[string]string{}
	imp.rejects, imp.hosted = map[int]string{}, map[int]int64{}
	counter := &countingReader{r: src}
	rr, err := newRowReader(counter, imp.opt.Format)
	if err != nil {
		return err
	}
	if imp.anyone, err = imp.s.db.Read().HasParticipants(ctx); err != nil {
		return err
	}
	if imp.campaigns, err = campaignIDs(ctx, imp.s.db.Read()); err != nil {
		return err
	}
	batch := make([]importRecord, 0, importBatch)
	for {
		row, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return readError(err)
		}
		if imp.nrows++; imp.opt.MaxRows > 0 && imp.nrows > int64(imp.opt.MaxRows) {
			return referralhub.Errorf(referralhub.EINVALID, "Too many rows: send at most %d rows at a time.", imp.opt.MaxRows)
		}
		if rec, ok := imp.checkRow(row); ok {
			batch = append(batch, rec)
		}
		if len(batch) == importBatch {
			if err := imp.checkBatch(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			imp.progress("checking", counter.n, size, imp.nrows)
		}
	}
	if err := imp.checkBatch(ctx, batch); err != nil {
		return err
	}
	imp.progress("checking", counter.n, max(size, counter.n), imp.nrows)
	return nil
}

// readError is a read failure as the import reports it: the reader's own
// EINVALID errors as they are, anything else as unreadable input.
func readError(err error) error {
	if referralhub.ErrorCode(err) != referralhub.EINTERNAL {
		return err
	}
	return referralhub.Errorf(referralhub.EINVALID, "The input cannot be read: %v.", err)
}

// checkRow checks a row on its own and for a repeated external id.
func (imp *importRun) checkRow(row rawRow) (importRecord, bool) {
	rec, reason := parseRecord(row, imp.now)
	if reason != "" {
		imp.reject(rec.line, reason)
		return rec, false
	}
	if rec.hosted {
		return rec, true
	}
	if _, ok := imp.campaigns[rec.campaign]; rec.campaign != "" && !ok {
		imp.reject(rec.line, fmt.Sprintf("unknown campaign %q: give the slug of a campaign at /admin/campaigns", rec.campaign))
		return rec, false
	}
	if first, dup := imp.rows[rec.ext]; dup {
		imp.reject(rec.line, fmt.Sprintf("duplicate external id %q in the file (first on line %d)", rec.ext, first.line))
		return rec, false
	}
	rec.ext = strings.Clone(rec.ext) // kept: not the whole line it was cut from
	imp.rows[rec.ext] = importRow{line: int32(rec.line)}
	return rec, true
}

// checkBatch checks a batch of rows against the participants that exist.
func (imp *importRun) checkBatch(ctx context.Context, batch []importRecord) error {
	exts, codes := make([]string, 0, len(batch)), make([]string, 0, len(batch))
	for _, rec := range batch {
		if !rec.hosted {
			exts = append(exts, rec.ext)
		}
		if rec.code != "" {
			codes = append(codes, rec.code)
		}
	}
	existing, holders, err := imp.lookUp(ctx, exts, codes)
	if err != nil {
		return err
	}
	for _, rec := range batch {
		imp.checkExisting(rec, existing, holders)
	}
	return nil
}

// checkExisting accepts or rejects a row given who exists already.
func (imp *importRun) checkExisting(rec importRecord, existing map[string]storage.ImportedParticipant, holders map[string]storage.CodeHolder) {
	if rec.hosted { // a row of an export: someone who signed up here, named by code
		if h, ok := holders[rec.code]; ok && h.ExternalID == "" {
			imp.hosted[rec.line] = h.ID
		} else {
			imp.reject(rec.line, "external_id is missing")
		}
		return
	}
	old, exists := existing[rec.ext]
	imp.rows[rec.ext] = importRow{line: int32(rec.line), id: old.ID}
	reason := imp.checkCode(rec, old, exists, holders)
	if reason == "" && exists && old.Deleted {
		reason = fmt.Sprintf("participant %q was deleted", rec.ext)
	}
	if reason != "" {
		imp.reject(rec.line, reason)
		return
	}
	if !exists && rec.code != "" {
		imp.codes[strings.Clone(rec.code)] = rec.ext
	}
	imp.rows[rec.ext] = importRow{line: int32(rec.line), id: old.ID, ok: true}
	if rec.referredBy != "" {
		at := rec.referredAt
		if !rec.hasReferredAt {
			at = rec.createdAt
		}
		imp.edges = append(imp.edges, importEdge{line: int32(rec.line), ext: rec.ext, ref: strings.Clone(rec.referredBy), at: at,
			refereeID: old.ID, oldReferrer: old.ReferrerID})
	}
}

// checkCode refuses a code that is taken, or that would change an issued
// one.
func (imp *importRun) checkCode(rec importRecord, old storage.ImportedParticipant, exists bool, holders map[string]storage.CodeHolder) string {
	switch {
	case rec.code == "":
		return ""
	case exists && old.Code != rec.code:
		return fmt.Sprintf("taken or invalid code: %q already has the code %s, and a code never changes", rec.ext, old.Code)
	case exists:
		return ""
	}
	if _, taken := holders[rec.code]; taken {
		return fmt.Sprintf("taken code: %s belongs to another participant", rec.code)
	}
	if other, taken := imp.codes[rec.code]; taken {
		return fmt.Sprintf("taken code: %s is asked for on line %d too", rec.code, imp.rows[other].line)
	}
	return ""
}

// lookUp finds the participants already stored under external ids and
// the holders of codes, in a batch each; in a table that was empty when
// the import began there is nobody to find, and it asks nothing.
func (imp *importRun) lookUp(ctx context.Context, exts, codes []string) (map[string]storage.ImportedParticipant, map[string]storage.CodeHolder, error) {
	if !imp.anyone {
		exts, codes = nil, nil
	}
	q := imp.s.db.Read()
	existing, err := q.ImportedByExternal(ctx, exts)
	if err != nil {
		return nil, nil, err
	}
	holders, err := q.CodeHolders(ctx, codes)
	return existing, holders, err
}
