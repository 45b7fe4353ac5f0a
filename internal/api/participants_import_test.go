package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// importBody is the answer of POST /participants/import.
type importBody struct {
	Results []struct {
		Line       int     `json:"line"`
		ExternalID string  `json:"external_id"`
		Status     string  `json:"status"`
		ID         *int64  `json:"id"`
		Code       *string `json:"code"`
		Reason     *string `json:"reason"`
	} `json:"results"`
	Summary struct {
		Rows, Inserted, Updated, Unchanged, Rejected, Referrals int
	} `json:"summary"`
}

// TestImportEndpointAnswersEachRow: NDJSON rows get one result each, in
// order, with the participant's id and code or the reason it was
// rejected; sent again, every row is unchanged; the imported referral
// shows on the referrer.
func TestImportEndpointAnswersEachRow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		rows := `{"external_id":"u1","email":"u1@example.com","referred_by":"u2","referred_at":"2026-01-05"}` + "\n" +
			`{"external_id":"u2","code":"UTWO0002","plan":"paid"}` + "\n\n" +
			`{"external_id":"u3","email":"nope"}` + "\n" +
			`{"external_id":"u4","referred_by":"u4"}` + "\n"
		nd := []string{"Content-Type", "application/x-ndjson"}
		var got importBody
		e.post("/api/v1/participants/import", rows, nd...).decode(t, http.StatusOK, &got)
		want := []string{"1 u1 inserted", "2 u2 inserted utwo0002", "4 u3 rejected bad email", "5 u4 rejected self-referral"}
		if len(got.Results) != len(want) {
			t.Fatalf("results = %+v", got.Results)
		}
		for i, r := range got.Results {
			line := fmt.Sprintf("%d %s %s", r.Line, r.ExternalID, r.Status)
			if r.Code != nil && r.ExternalID == "u2" {
				line += " " + *r.Code
			}
			if r.Reason != nil {
				line += " " + *r.Reason
			}
			if !strings.HasPrefix(line, want[i]) || (r.Status == "inserted") != (r.ID != nil && r.Code != nil) {
				t.Errorf("result %d = %q (id %v), want %q", i, line, r.ID, want[i])
			}
		}
		if s := got.Summary; s.Rows != 4 || s.Inserted != 2 || s.Rejected != 2 || s.Referrals != 1 {
			t.Errorf("summary = %+v", s)
		}
		var again importBody
		e.post("/api/v1/participants/import", rows, nd...).decode(t, http.StatusOK, &again)
		if s := again.Summary; s.Unchanged != 2 || s.Inserted+s.Updated+s.Referrals != 0 {
			t.Errorf("the same rows again = %+v", s)
		}
		var u2 participantBody
		e.get("/api/v1/participants/ext:u2").decode(t, http.StatusOK, &u2)
		if u2.Code != "utwo0002" || u2.Plan != "paid" || u2.Stats.Referrals != 1 || u2.Stats.Points != 0 {
			t.Fatalf("u2 = %+v: its code kept, one referral, no reward", u2)
		}
		var refs listBody[referralBody]
		e.get("/api/v1/participants/ext:u2/referrals").decode(t, http.StatusOK, &refs)
		if len(refs.Data) != 1 || refs.Data[0].ImportedAt == nil || !refs.Data[0].CreatedAt.Equal(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("u2's referrals = %+v: one, made 5 Jan 2026, marked imported", refs.Data)
		}
	})
}

// TestImportEndpointRefuses: a read key, too many rows, a line that is
// not JSON and an unknown field are refused, and write nothing.
func TestImportEndpointRefuses(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		nd := []string{"Content-Type", "application/x-ndjson"}
		path := "/api/v1/participants/import"
		if r := e.request("POST", path, e.read, `{"external_id":"a"}`, nd...); r.StatusCode != http.StatusForbidden {
			t.Errorf("read key: %d %s", r.StatusCode, r.body)
		}
		many := strings.Repeat(`{"external_id":"x"}`+"\n", 10001)
		if r := e.post(path, many, nd...); r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.body), "10000 rows") {
			t.Errorf("10,001 rows: %d %s", r.StatusCode, r.body)
		}
		if r := e.post(path, `{"external_id":"a"}`+"\n"+`{"external_id":`, nd...); r.StatusCode != http.StatusBadRequest ||
			!strings.Contains(string(r.body), "Line 2") {
			t.Errorf("bad JSON: %d %s", r.StatusCode, r.body)
		}
		if r := e.post(path, `{"external_id":"a"}`+"\n"+`{"external_id":"b","phone":"1"}`, nd...); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.body), `\"phone\"`) {
			t.Errorf("unknown field: %d %s", r.StatusCode, r.body)
		}
		if r := e.post(path+"?dry_run=maybe", `{"external_id":"a"}`, nd...); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("dry_run=maybe: %d %s", r.StatusCode, r.body)
		}
		if r := e.get("/api/v1/participants/ext:a"); r.StatusCode != http.StatusNotFound {
			t.Errorf("a refused request wrote: %d %s", r.StatusCode, r.body)
		}
	})
}
