package core

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A participant in an import's referral graph is named by a key: "#id"
// for one that exists, the external id for one the import creates.

func idKey(id int64) string { return "#" + strconv.FormatInt(id, 10) }

// keyID returns the id in an "#id" key, or 0 for a new participant's key.
func keyID(key string) int64 {
	if !strings.HasPrefix(key, "#") {
		return 0
	}
	id, _ := strconv.ParseInt(key[1:], 10, 64)
	return id
}

// rowKey is the key of the participant an accepted row names.
func (imp *importRun) rowKey(ext string) string {
	if row := imp.rows[ext]; row.id != 0 {
		return idKey(row.id)
	}
	return ext
}

// resolve is the step between the passes: it finds every referral's
// referrer, in the input or in the database, and rejects the rows whose
// referral cannot be: an unknown or rejected referrer, a self-referral,
// a different referrer than the one recorded, a cycle. A new row whose
// row is rejected takes down the rows it referred, and so on down.
func (imp *importRun) resolve(ctx context.Context) error {
	if err := imp.findReferrers(ctx); err != nil {
		return err
	}
	var fallen []string
	for i := range imp.edges {
		e := &imp.edges[i]
		if e.rejected || e.from == "" {
			continue
		}
		if reason := imp.edgeReason(e); reason != "" {
			fallen = imp.rejectEdge(e, reason, fallen)
		}
	}
	cycles, err := imp.cycles(ctx)
	if err != nil {
		return err
	}
	for i := range imp.edges {
		if e := &imp.edges[i]; !e.rejected && cycles[imp.rowKey(e.ext)] != "" {
			fallen = imp.rejectEdge(e, "referral cycle: "+cycles[imp.rowKey(e.ext)], fallen)
		}
	}
	imp.cascade(fallen)
	imp.edges = slices.DeleteFunc(imp.edges, func(e importEdge) bool { return e.rejected || e.from == "" })
	return nil
}

// rejectEdge rejects an edge's row; a new referee joins fallen, whose
// referees are rejected in turn.
func (imp *importRun) rejectEdge(e *importEdge, reason string, fallen []string) []string {
	e.rejected = true
	imp.reject(int(e.line), reason)
	if e.refereeID != 0 {
		return fallen
	}
	row := imp.rows[e.ext]
	row.ok = false
	imp.rows[e.ext] = row
	return append(fallen, e.ext)
}

// edgeReason says why a resolved referral cannot be, or "" when it can;
// the referral an existing participant has already is dropped (e.from
// cleared), as nothing changes.
func (imp *importRun) edgeReason(e *importEdge) string {
	switch {
	case e.from == imp.rowKey(e.ext):
		return "self-referral: a participant cannot refer themselves"
	case e.oldReferrer != 0 && e.from == idKey(e.oldReferrer):
		e.from = ""
		return ""
	case e.oldReferrer != 0:
		return fmt.Sprintf("referred_by %q: the participant was referred by someone else, and a referrer never changes", e.ref)
	}
	return ""
}

// findReferrers sets each edge's referrer key: a row of the input first
// (by external id, then by the code it asks for), else a participant of
// the database (likewise); a referrer found nowhere rejects the row.
func (imp *importRun) findReferrers(ctx context.Context) error {
	var exts, codes []string
	for i := range imp.edges {
		e := &imp.edges[i]
		from, reason := imp.referrerInInput(e.ref)
		switch {
		case reason != "":
			imp.rejectEdge(e, reason, nil)
		case from != "":
			e.from = from
		default:
			exts = append(exts, e.ref)
			if code := NormalizeCode(e.ref); code != "" {
				codes = append(codes, code)
			}
		}
	}
	existing, holders, err := imp.lookUp(ctx, exts, codes)
	if err != nil {
		return err
	}
	for i := range imp.edges {
		e := &imp.edges[i]
		if e.rejected || e.from != "" {
			continue
		}
		if p, ok := existing[e.ref]; ok && !p.Deleted {
			e.from = idKey(p.ID)
		} else if h, ok := holders[NormalizeCode(e.ref)]; ok {
			e.from = idKey(h.ID)
		} else {
			imp.rejectEdge(e, fmt.Sprintf("referrer %q does not exist", e.ref), nil)
		}
	}
	return nil
}

// referrerInInput finds a referrer among the input's rows: its key, or
// why it cannot refer (its row is rejected), or neither.
func (imp *importRun) referrerInInput(ref string) (string, string) {
	ext := ref
	row, ok := imp.rows[ext]
	if !ok {
		if ext, ok = imp.codes[NormalizeCode(ref)]; !ok {
			return "", ""
		}
		row = imp.rows[ext]
	}
	switch {
	case row.id != 0:
		return idKey(row.id), ""
	case !row.ok:
		return "", fmt.Sprintf("referrer %q was rejected (line %d)", ref, row.line)
	}
	return ext, ""
}

// cascade rejects the rows referred by new participants whose rows were
// rejected, and the rows those referred, and so on.
func (imp *importRun) cascade(fallen []string) {
	children := map[string][]int{}
	for i, e := range imp.edges {
		if !e.rejected && e.from != "" && keyID(e.from) == 0 {
			children[e.from] = append(children[e.from], i)
		}
	}
	for len(fallen) > 0 {
		ext := fallen[len(fallen)-1]
		fallen = fallen[:len(fallen)-1]
		for _, i := range children[ext] {
			if e := &imp.edges[i]; !e.rejected {
				reason := fmt.Sprintf("referrer %q was rejected (line %d)", e.ref, imp.rows[ext].line)
				fallen = imp.rejectEdge(e, reason, fallen)
			}
		}
	}
}
