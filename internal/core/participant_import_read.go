package core

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/referralhub/referralhub"
)

// The columns of an import, in the order an export writes them.
const (
	colExternalID = iota
	colEmail
	colName
	colPlan
	colCode
	colReferredBy
	colReferredAt
	colCreatedAt
	colCampaign // read by an import, not written by an export
	importColumns
)

// importColumnList names every column an import reads, for messages:
// the export's, and the optional campaign.
func importColumnList() string {
	return strings.Join(append(ImportColumnNames(), "campaign"), ", ")
}

// ImportColumnNames returns the columns an export writes (before its
// link), in order; an import reads them, and an optional campaign column.
func ImportColumnNames() []string {
	return []string{"external_id", "email", "name", "plan", "code", "referred_by", "referred_at", "created_at"}
}

// importColumn returns the import column a header or field name stands
// for, or -1.
func importColumn(name string) int {
	switch name {
	case "external_id":
		return colExternalID
	case "email":
		return colEmail
	case "name":
		return colName
	case "plan":
		return colPlan
	case "code":
		return colCode
	case "referred_by":
		return colReferredBy
	case "referred_at":
		return colReferredAt
	case "created_at":
		return colCreatedAt
	case "campaign":
		return colCampaign
	}
	return -1
}

// rawRow is one row as read: its line, each column's text, which columns
// it has at all, and why it could not be read ("" when it could).
type rawRow struct {
	line   int
	fields [importColumns]string
	has    [importColumns]bool
	bad    string
}

// rowReader yields the rows of an import one by one, io.EOF at the end.
// Any other error stops the import: the input cannot be read.
type rowReader interface{ next() (rawRow, error) }

// newRowReader reads r as format (ImportCSV or ImportNDJSON); a CSV
// header is read and checked at once.
func newRowReader(r io.Reader, format string) (rowReader, error) {
	switch format {
	case ImportCSV:
		return newCSVRows(r)
	case ImportNDJSON:
		return newNDJSONRows(r), nil
	}
	return nil, referralhub.Errorf(referralhub.EINVALID, "Unknown import format %q: use csv or ndjson.", format)
}

// csvRows reads CSV rows under a header.
type csvRows struct {
	r   *csv.Reader
	col []int // the import column of each CSV field
}

func newCSVRows(r io.Reader) (*csvRows, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, referralhub.Errorf(referralhub.EINVALID, "The file is empty: it needs a header line naming its columns.")
	}
	if err != nil {
		return nil, referralhub.Errorf(referralhub.EINVALID, "The header line cannot be read: %v.", err)
	}
	col, err := headerColumns(header)
	if err != nil {
		return nil, err
	}
	return &csvRows{r: cr, col: col}, nil
}

// headerColumns maps a header's names to import columns, refusing unknown
// and repeated names and a missing external_id.
func headerColumns(header []string) ([]int, error) {
	col := make([]int, len(header))
	var unknown []string
	seen := map[int]bool{}
	for i, name := range header {
		name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
		c := importColumn(name)
		switch {
		case name == "link": // an export's extra column, derived from the code
			c = -1
		case c < 0:
			unknown = append(unknown, fmt.Sprintf("%q", name))
		case seen[c]:
			return nil, referralhub.Errorf(referralhub.EINVALID, "The header names the column %q twice.", name)
		}
		col[i] = c
		seen[c] = true
	}
	if len(unknown) > 0 {
		return nil, referralhub.Errorf(referralhub.EINVALID, "Unknown columns in the header: %s. The columns are %s.",
			strings.Join(unknown, ", "), importColumnList())
	}
	if !seen[colExternalID] {
		return nil, referralhub.Errorf(referralhub.EINVALID, "The header has no external_id column, which is required.")
	}
	return col, nil
}

func (c *csvRows) next() (rawRow, error) {
	rec, err := c.r.Read()
	var row rawRow
	var perr *csv.ParseError
	switch {
	case errors.As(err, &perr):
		row.line, row.bad = perr.StartLine, "the line is not valid CSV: "+perr.Err.Error()
		return row, nil
	case err != nil:
		return row, err
	}
	row.line, _ = c.r.FieldPos(0)
	if len(rec) != len(c.col) {
		row.bad = fmt.Sprintf("the row has %d fields but the header has %d", len(rec), len(c.col))
		return row, nil
	}
	for i, v := range rec {
		if c.col[i] >= 0 {
			row.fields[c.col[i]], row.has[c.col[i]] = importCell(v), true
		}
	}
	return row, nil
}

// ndjsonRows reads one JSON object per line; blank lines are skipped.
type ndjsonRows struct {
	r    *bufio.Reader
	line int
}

// maxImportLine bounds one NDJSON line.
const maxImportLine = 1 << 20

func newNDJSONRows(r io.Reader) *ndjsonRows { return &ndjsonRows{r: bufio.NewReaderSize(r, 64<<10)} }

func (n *ndjsonRows) next() (rawRow, error) {
	for {
		text, err := n.readLine()
		if err != nil {
			return rawRow{}, err
		}
		n.line++
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		return decodeNDJSONRow(n.line, text)
	}
}

// readLine returns the next line without its end, io.EOF after the last.
func (n *ndjsonRows) readLine() ([]byte, error) {
	var line []byte
	for {
		part, err := n.r.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > maxImportLine {
			return nil, referralhub.Errorf(referralhub.EINVALID, "Line %d is over %d bytes.", n.line+1, maxImportLine)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return line, nil
		case err != nil:
			return nil, err
		}
		return bytes.TrimSuffix(line, []byte("\n")), nil
	}
}

// decodeNDJSONRow reads one object of strings (numbers are taken as their
// text; null is the same as leaving a field out). A field the import does
// not know stops the import, as an unknown CSV column does.
func decodeNDJSONRow(line int, text []byte) (rawRow, error) {
	row := rawRow{line: line}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(text, &obj); err != nil {
		row.bad = "the line is not a JSON object"
		return row, nil
	}
	var unknown []string
	for key, raw := range obj {
		c := importColumn(key)
		if c < 0 {
			if key != "link" {
				unknown = append(unknown, fmt.Sprintf("%q", key))
			}
			continue
		}
		v, ok := jsonText(raw)
		if !ok {
			row.bad = fmt.Sprintf("%s is not a string", key)
		}
		row.fields[c], row.has[c] = v, ok && string(raw) != "null"
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return row, referralhub.Errorf(referralhub.EINVALID, "Unknown fields on line %d: %s. The fields are %s.",
			line, strings.Join(unknown, ", "), importColumnList())
	}
	return row, nil
}

// jsonText is a JSON string's value, or a number's or null's text.
func jsonText(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, true
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), true
	}
	return "", string(raw) == "null"
}
