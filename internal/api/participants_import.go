package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/referralhub/referralhub/internal/core"
)

// Limits of POST /participants/import.
const (
	maxImportRows = 10000
	maxImportBody = 16 << 20 // 10,000 rows of up to about 1.6 KB
	maxImportLine = 64 << 10 // a row is at most a few KB
)

// importContentTypes are the media types POST /participants/import takes.
func importContentTypes() []string {
	return []string{"application/x-ndjson", "application/jsonl", "application/json"}
}

// postNDJSON is post for a body of JSON lines: a write key, a body of at
// most maxImportBody bytes declared as NDJSON (or JSON), no line over
// maxImportLine, and every line valid JSON.
func (h *Handler) postNDJSON(next bodyHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := core.CheckScope(keyOf(r), core.ScopeWrite); err != nil {
			h.writeError(w, r, err)
			return
		}
		body, err := readNDJSON(w, r)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		next(w, r, body)
	}
}

// readNDJSON reads and checks a body of JSON lines.
func readNDJSON(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := readLimited(w, r, bodyLimit{max: maxImportBody, types: importContentTypes(),
		tooLarge: &requestError{status: http.StatusRequestEntityTooLarge, code: CodePayloadTooLarge,
			message: fmt.Sprintf("The body is over the limit of %d MiB.", maxImportBody>>20)},
		typeMessage: "Send the rows as NDJSON, one JSON object a line, with Content-Type: application/x-ndjson."})
	if err != nil {
		return nil, err
	}
	return body, checkLines(body)
}

// checkLines refuses a body with more than maxImportRows rows, a line
// over maxImportLine or a line that is not JSON, naming the line.
func checkLines(body []byte) error {
	rows := 0
	for n, line := 1, body; len(line) > 0; n++ {
		text, rest, _ := bytes.Cut(line, []byte("\n"))
		line = rest
		if len(text) > maxImportLine {
			return &requestError{status: http.StatusRequestEntityTooLarge, code: CodePayloadTooLarge,
				message: fmt.Sprintf("Line %d is over the limit of %d KiB for one row.", n, maxImportLine>>10)}
		}
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		if rows++; rows > maxImportRows {
			return &requestError{status: http.StatusRequestEntityTooLarge, code: CodePayloadTooLarge,
				message: fmt.Sprintf("Send at most %d rows a request: split the rest into further requests.", maxImportRows)}
		}
		if !json.Valid(text) {
			return badRequest(CodeMalformedJSON, "", "Line "+strconv.Itoa(n)+" is not valid JSON: send one JSON object a line.")
		}
	}
	return nil
}

// importResponse is the answer to POST /participants/import.
type importResponse struct {
	Results []importResultView `json:"results"`
	Summary importSummaryView  `json:"summary"`
}

type importResultView struct {
	Line       int     `json:"line"`
	ExternalID string  `json:"external_id"`
	Status     string  `json:"status"`
	ID         *int64  `json:"id"`
	Code       *string `json:"code"`
	Reason     *string `json:"reason"`
}

type importSummaryView struct {
	Rows      int `json:"rows"`
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Rejected  int `json:"rejected"`
	Referrals int `json:"referrals"`
}

// importParticipants is POST /participants/import: up to maxImportRows
// rows of the bulk import as NDJSON, answered with one result per row.
// ?dry_run=true checks them and writes nothing; ?reward=true runs the
// program's rules on their referrals.
func (h *Handler) importParticipants(w http.ResponseWriter, r *http.Request, body []byte) {
	opt := core.ImportOptions{Format: core.ImportNDJSON, MaxRows: maxImportRows, Source: "api key " + strconv.FormatInt(keyOf(r).ID, 10)}
	var err error
	if opt.DryRun, err = boolParam(r, "dry_run"); err == nil {
		opt.Reward, err = boolParam(r, "reward")
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := importResponse{Results: []importResultView{}}
	opt.Result = func(res core.ImportResult) error {
		out.Results = append(out.Results, importResultOf(res))
		return nil
	}
	sum, err := h.svc.ImportParticipants(r.Context(), bytes.NewReader(body), int64(len(body)), opt)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out.Summary = importSummaryView{Rows: sum.Rows, Inserted: sum.Inserted, Updated: sum.Updated, Unchanged: sum.Unchanged,
		Rejected: sum.Rejected, Referrals: sum.Referrals}
	writeJSON(w, http.StatusOK, out)
}

func importResultOf(res core.ImportResult) importResultView {
	v := importResultView{Line: res.Line, ExternalID: res.ExternalID, Status: res.Status}
	if res.ID != 0 {
		v.ID = &res.ID
	}
	if res.Code != "" {
		v.Code = &res.Code
	}
	if res.Reason != "" {
		v.Reason = &res.Reason
	}
	return v
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string) (bool, error) {
	switch r.URL.Query().Get(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, invalidParam(name, name+" is true or false.")
}
