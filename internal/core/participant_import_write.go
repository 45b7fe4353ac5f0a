package core

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// importItem is a row of the second pass with its result; rec is set for
// the rows to write.
type importItem struct {
	res   ImportResult
	rec   *importRecord
	index int // into the batch's inserts, or -1
}

// write is the second pass: it reads the input again and writes the
// accepted rows a batch at a time, each batch in one transaction,
// reporting every row's result in order.
func (imp *importRun) write(ctx context.Context, src io.Reader) error {
	rr, err := newRowReader(src, imp.opt.Format)
	if err != nil {
		return err
	}
	var items []importItem
	pending, done := 0, int64(0)
	for {
		row, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return readError(err)
		}
		it := imp.item(row)
		if it.rec != nil {
			pending++
		}
		items = append(items, it)
		if pending == importBatch {
			if err := imp.flush(ctx, items); err != nil {
				return err
			}
			done += int64(len(items))
			imp.progress("writing", done, imp.nrows, done)
			items, pending = items[:0], 0
		}
	}
	if err := imp.flush(ctx, items); err != nil {
		return err
	}
	imp.progress("writing", imp.nrows, imp.nrows, imp.nrows)
	return nil
}

// item is a row's result as far as the first pass decided it.
func (imp *importRun) item(row rawRow) importItem {
	it := importItem{res: ImportResult{Line: row.line}, index: -1}
	if reason, bad := imp.rejects[row.line]; bad {
		it.res.ExternalID, it.res.Status, it.res.Reason = row.fields[colExternalID], ImportRejected, reason
		return it
	}
	rec, _ := parseRecord(row, imp.now) // it passed the first time
	it.res.ExternalID = rec.ext
	if id, ok := imp.hosted[row.line]; ok {
		it.res.Status, it.res.ID, it.res.Code = ImportUnchanged, id, rec.code
		return it
	}
	it.rec = &rec
	return it
}

// flush writes a batch's rows and reports their results.
func (imp *importRun) flush(ctx context.Context, items []importItem) error {
	if err := imp.writeBatch(ctx, items); err != nil {
		return err
	}
	for _, it := range items {
		imp.sum.add(it.res)
		if imp.opt.Result != nil {
			if err := imp.opt.Result(it.res); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeBatch sorts a batch's rows into inserts, updates and unchanged
// ones, and writes them in one transaction.
func (imp *importRun) writeBatch(ctx context.Context, items []importItem) error {
	exts := make([]string, 0, len(items))
	for _, it := range items {
		if it.rec != nil && imp.rows[it.rec.ext].id != 0 { // the first pass found who exists
			exts = append(exts, it.rec.ext)
		}
	}
	existing, err := imp.s.db.Read().ImportedByExternal(ctx, exts)
	if err != nil {
		return err
	}
	var inserts, updates []storage.ImportedParticipant
	for i := range items {
		if it := &items[i]; it.rec != nil {
			inserts, updates = imp.classify(it, existing, inserts, updates)
		}
	}
	if !imp.opt.DryRun {
		err = imp.s.db.InTx(ctx, func(q *storage.Queries) error {
			if err := imp.insertNew(ctx, q, inserts); err != nil {
				return err
			}
			if err := q.UpdateImportedParticipants(ctx, updates); err != nil {
				return err
			}
			return imp.enrol(ctx, q, items, inserts, existing)
		})
		if err != nil {
			return err
		}
	}
	imp.inserted(items, inserts)
	return nil
}

// classify decides whether a row inserts, updates or leaves its participant.
func (imp *importRun) classify(it *importItem, existing map[string]storage.ImportedParticipant,
	inserts, updates []storage.ImportedParticipant) ([]storage.ImportedParticipant, []storage.ImportedParticipant) {
	rec := it.rec
	old, ok := existing[rec.ext]
	if !ok {
		p := storage.ImportedParticipant{ExternalID: rec.ext, Email: rec.email, Name: rec.name, Plan: rec.plan,
			Code: rec.code, CreatedAt: rec.createdAt}
		if p.Plan == "" {
			p.Plan = referralhub.PlanFree
		}
		if !rec.hasCreate {
			p.CreatedAt = imp.now
		}
		it.res.Status, it.index = ImportInserted, len(inserts)
		return append(inserts, p), updates
	}
	next := old
	if rec.hasEmail {
		next.Email = rec.email
	}
	if rec.hasName {
		next.Name = rec.name
	}
	if rec.hasPlan {
		next.Plan = rec.plan
	}
	it.res.Status, it.res.ID, it.res.Code = ImportUnchanged, old.ID, old.Code
	if next != old {
		it.res.Status, updates = ImportUpdated, append(updates, next)
	}
	if rec.campaign != "" && imp.campaigns[rec.campaign] != old.CampaignID {
		it.res.Status = ImportUpdated
	}
	if imp.makesReferral(rec.line) {
		it.res.Status = ImportUpdated
	}
	return inserts, updates
}

// makesReferral reports whether the row at line records a new referral.
func (imp *importRun) makesReferral(line int) bool {
	_, found := slices.BinarySearchFunc(imp.edges, int32(line), func(e importEdge, l int32) int { return int(e.line - l) })
	return found
}

// insertNew inserts new participants, drawing the codes the rows did not
// give, and drawing again those that turn out taken.
func (imp *importRun) insertNew(ctx context.Context, q *storage.Queries, parts []storage.ImportedParticipant) error {
	drawn := make([]bool, len(parts))
	todo := make([]int, len(parts))
	for i := range parts {
		todo[i] = i
		if parts[i].Code == "" {
			parts[i].Code, drawn[i] = imp.drawCode(), true
		}
	}
	for range codeAttempts {
		batch := make([]storage.ImportedParticipant, len(todo))
		for j, i := range todo {
			batch[j] = parts[i]
		}
		if err := q.InsertImportedParticipants(ctx, batch); err != nil {
			return err
		}
		next := todo[:0]
		for j, i := range todo {
			parts[i].ID = batch[j].ID
			if batch[j].ID == 0 && drawn[i] {
				parts[i].Code = imp.drawCode()
				next = append(next, i)
			}
		}
		if todo = next; len(todo) == 0 {
			return nil
		}
	}
	return nil
}

// drawCode draws a code no row of the input asks for.
func (imp *importRun) drawCode() string {
	for {
		if code := imp.s.newCode(); imp.codes[code] == "" {
			return code
		}
	}
}

// inserted sets the new participants' ids and codes on their results; a
// row whose external id or code was taken meanwhile is rejected.
func (imp *importRun) inserted(items []importItem, inserts []storage.ImportedParticipant) {
	for i := range items {
		it := &items[i]
		if it.index < 0 {
			continue
		}
		p := inserts[it.index]
		it.res.ID = p.ID
		if it.rec.code != "" || !imp.opt.DryRun {
			it.res.Code = p.Code
		}
		if p.ID == 0 && !imp.opt.DryRun {
			it.res.Status, it.res.Code = ImportRejected, ""
			it.res.Reason = "taken code or external id: another participant took it during the import"
			continue
		}
		if row := imp.rows[p.ExternalID]; !imp.opt.DryRun {
			row.id = p.ID // for its referrals, which go in last
			imp.rows[p.ExternalID] = row
		}
	}
}

// importedAt is when an imported referral happened: as the row says, else
// now.
func (imp *importRun) importedAt(t time.Time) time.Time {
	if t.IsZero() {
		return imp.now
	}
	return t
}

// enrol moves the batch's participants whose rows name a campaign into
// it, a campaign at a time; rows that name their current campaign are
// left alone.
func (imp *importRun) enrol(ctx context.Context, q *storage.Queries, items []importItem,
	inserts []storage.ImportedParticipant, existing map[string]storage.ImportedParticipant) error {
	byCampaign := map[int64][]int64{}
	for _, it := range items {
		if it.rec == nil || it.rec.campaign == "" {
			continue
		}
		id, want := int64(0), imp.campaigns[it.rec.campaign]
		if it.index >= 0 {
			id = inserts[it.index].ID
		} else if old, ok := existing[it.rec.ext]; ok && old.CampaignID != want {
			id = old.ID
		}
		if id != 0 && (it.index < 0 || want != referralhub.DefaultCampaignID) {
			byCampaign[want] = append(byCampaign[want], id)
		}
	}
	for campaignID, ids := range byCampaign {
		if err := q.EnrolParticipants(ctx, campaignID, ids); err != nil {
			return err
		}
	}
	return nil
}
