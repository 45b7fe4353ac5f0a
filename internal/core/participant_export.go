package core

import (
	"context"
	"strings"
	"time"
)

// ExportedParticipant is one participant as an export writes it: the
// import's columns plus the referral link.
type ExportedParticipant struct {
	ExternalID string // "" for someone who signed up here
	Email      string
	Name       string
	Plan       string
	Code       string
	ReferredBy string    // the referrer's external id, or its code when it has none
	ReferredAt time.Time // zero when nobody referred them
	CreatedAt  time.Time
	Link       string
}

// exportPage is how many participants an export reads at a time.
const exportPage = 10000

// ExportParticipants hands every participant that is not deleted to
// each, in id order, a page at a time, and returns how many there were.
// Read back by ImportParticipants, the export changes nothing.
func (s *Service) ExportParticipants(ctx context.Context, each func(ExportedParticipant) error) (int, error) {
	var after int64
	n := 0
	for {
		page, err := s.db.Read().ExportParticipants(ctx, after, exportPage)
		if err != nil {
			return n, err
		}
		for _, p := range page {
			e := ExportedParticipant{ExternalID: p.ExternalID, Email: p.Email, Name: p.Name, Plan: p.Plan, Code: p.Code,
				ReferredBy: p.ReferredBy, CreatedAt: p.CreatedAt, Link: s.referralLink(p.Code)}
			if p.ReferredAt.Valid {
				e.ReferredAt = p.ReferredAt.Time
			}
			if err := each(e); err != nil {
				return n, err
			}
			n++
			after = p.ID
		}
		if len(page) < exportPage {
			return n, nil
		}
	}
}

// ExportCell defuses formula injection in a CSV cell: a spreadsheet runs
// a cell that starts with =, +, -, @ (or a tab or carriage return) as a
// formula, so such a cell gets a leading single quote. An import takes
// that quote off again (importCell), so an export reads back unchanged.
func ExportCell(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// importCell undoes ExportCell.
func importCell(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(cell[1])) {
		return cell[1:]
	}
	return cell
}
