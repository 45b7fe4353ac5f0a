package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"

	"github.com/referralhub/referralhub"
)

// handleAdminAnalyticsExport streams one table of the analytics page as
// CSV, for the same period parameters as the page.
func (s *Server) handleAdminAnalyticsExport(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok {
		return
	}
	p, err := s.periodOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	a, _, err := s.analyticsOf(r, v.User, p, r.URL.Query().Get("campaign"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	t, ok := analyticsTableNamed(a, r.PathValue("table"))
	if !ok {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no such table."))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="referralhub-`+t.Name+"-"+p.FirstDay()+"-to-"+p.LastDay()+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := writeCSV(w, t); err != nil {
		s.log.WarnContext(r.Context(), "analytics export", "table", t.Name, "err", err)
	}
}

// writeCSV writes a table's header and rows, each cell made safe for
// spreadsheets, flushing as it goes.
func writeCSV(w io.Writer, t analyticsTable) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(safeCells(t.Header)); err != nil {
		return err
	}
	for _, row := range t.Rows {
		if err := cw.Write(safeCells(row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func safeCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = spreadsheetSafe(c)
	}
	return out
}

// spreadsheetSafe defuses formula injection: a spreadsheet runs a cell
// that starts with =, +, -, @ (or a tab or carriage return before one) as
// a formula, so such a cell gets a leading single quote, which makes it
// text. encoding/csv does the quoting.
func spreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
