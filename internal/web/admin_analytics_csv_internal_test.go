package web

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// TestCSVCellsCannotRunFormulas escapes every prefix a spreadsheet reads
// as a formula, quotes what CSV needs quoted, and leaves the rest alone.
func TestCSVCellsCannotRunFormulas(t *testing.T) {
	cells := []string{"=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "plain", "a,b", `say "hi"`, "", "x=1"}
	var buf bytes.Buffer
	if err := writeCSV(&buf, analyticsTable{Header: []string{"h"}, Rows: [][]string{cells}}); err != nil {
		t.Fatal(err)
	}
	want := "h\n'=1+1,'+1,'-1,'@SUM(A1),'\t=1,\"'\r=1\",plain,\"a,b\",\"say \"\"hi\"\"\",,x=1\n"
	if buf.String() != want {
		t.Errorf("csv = %q\nwant  %q", buf.String(), want)
	}
	r := csv.NewReader(&buf)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "'=1+1" || rows[1][8] != `say "hi"` {
		t.Errorf("read back %q, %v", rows, err)
	}
}
