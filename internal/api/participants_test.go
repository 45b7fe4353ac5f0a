package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestUpsertByExternalID creates a participant, then updates it with a
// second call: same id and code, no duplicate, only the given fields
// changed. It is found by id and by ext:{external_id}.
func TestUpsertByExternalID(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		p := e.participant(`{"external_id":"user/42","email":"ann@example.com","name":"Ann","plan":"free"}`, http.StatusCreated)
		if p.ID == 0 || *p.ExternalID != "user/42" || *p.Email != "ann@example.com" || *p.Name != "Ann" || p.Plan != "free" ||
			len(p.Code) != 8 || p.ReferralLink != e.srv.URL+"/r/"+p.Code || p.ReferredBy != nil || p.CreatedAt.IsZero() ||
			p.Stats.Referrals != 0 || p.Stats.Balances == nil {
			t.Fatalf("created = %+v", p)
		}
		u := e.participant(`{"external_id":"user/42","name":null,"email":"","plan":"paid"}`, http.StatusOK)
		if u.ID != p.ID || u.Code != p.Code || u.Email != nil || *u.Name != "Ann" || u.Plan != "paid" {
			t.Fatalf("updated = %+v", u)
		}
		var byExt, byID participantBody
		e.get("/api/v1/participants/ext:"+url.PathEscape("user/42")).decode(t, http.StatusOK, &byExt)
		e.get(fmt.Sprintf("/api/v1/participants/%d", p.ID)).decode(t, http.StatusOK, &byID)
		if byExt.ID != p.ID || byID.ID != p.ID || byID.Plan != "paid" {
			t.Fatalf("lookups = %+v, %+v", byExt, byID)
		}
		var root participantBody
		e.get("/api/v1/participants/1").decode(t, http.StatusOK, &root)
		if root.ExternalID != nil || *root.Email != "root@example.com" || *root.Name != "root" {
			t.Fatalf("a hosted participant = %+v", root)
		}
		st, _ := e.svc.ProgramStats(t.Context())
		if st.Participants != 2 {
			t.Fatalf("participants = %d: the update duplicated", st.Participants)
		}
	})
}

// TestAttributionByCodeAndByClick refers participants through the API by
// referral_code, and by the click_id of a real click on the referral link
// (still in the click buffer when the API is called): each gets its
// referral and the referrer the default program's 10 points per signup.
func TestAttributionByCodeAndByClick(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		alice := e.participant(`{"external_id":"alice","email":"alice@example.com"}`, http.StatusCreated)
		bob := e.participant(`{"external_id":"bob","referral_code":"`+strings.ToUpper(alice.Code)+`"}`, http.StatusCreated)
		if bob.ReferredBy == nil || bob.ReferredBy.ID != alice.ID || *bob.ReferredBy.ExternalID != "alice" {
			t.Fatalf("bob referred by %+v", bob.ReferredBy)
		}
		clickID := e.click(alice.Code)
		var c struct {
			ID            string `json:"id"`
			Code          string `json:"code"`
			ParticipantID int64  `json:"participant_id"`
			Bot           bool   `json:"bot"`
			CreatedAt     string `json:"created_at"`
			ExpiresAt     string `json:"expires_at"`
		}
		e.request("GET", "/api/v1/clicks/"+clickID, e.read, "").decode(t, http.StatusOK, &c)
		if c.ID != clickID || c.Code != alice.Code || c.ParticipantID != alice.ID || c.Bot || c.CreatedAt == "" || c.ExpiresAt <= c.CreatedAt {
			t.Fatalf("click = %+v", c)
		}
		carol := e.participant(`{"external_id":"carol","click_id":"`+clickID+`"}`, http.StatusCreated)
		if carol.ReferredBy == nil || carol.ReferredBy.ID != alice.ID {
			t.Fatalf("carol referred by %+v", carol.ReferredBy)
		}
		var a participantBody
		e.get("/api/v1/participants/ext:alice").decode(t, http.StatusOK, &a)
		if a.Stats.Referrals != 2 || a.Stats.Clicks != 1 || a.Stats.Points != 20 || len(a.Stats.Balances) != 1 ||
			a.Stats.Balances[0].Kind != "points" || a.Stats.Balances[0].Available != 20 || a.Stats.Balances[0].Currency != nil {
			t.Fatalf("alice = %+v", a.Stats)
		}
		var refs listBody[referralBody]
		e.get("/api/v1/participants/ext:alice/referrals").decode(t, http.StatusOK, &refs)
		if len(refs.Data) != 2 || refs.NextCursor != nil || refs.Data[0].Referee.ID != bob.ID || refs.Data[0].ClickID != nil ||
			*refs.Data[1].ClickID != clickID || refs.Data[1].Review != "clear" || refs.Data[0].ImportedAt != nil {
			t.Fatalf("referrals = %+v", refs)
		}
		var rewards listBody[rewardBody]
		e.get("/api/v1/participants/ext:alice/rewards").decode(t, http.StatusOK, &rewards)
		if len(rewards.Data) != 2 || rewards.Data[0].Amount != 10 || rewards.Data[0].Kind != "points" || *rewards.Data[0].Side != "referrer" ||
			rewards.Data[0].Status != "approved" || rewards.Data[0].Reason != "A friend signed up" {
			t.Fatalf("rewards = %+v", rewards.Data)
		}
	})
}

// click follows a referral link on the site and returns the click id from
// the attribution cookie.
func (e *env) click(code string) string {
	e.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", e.srv.URL+"/r/"+code, nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "rh_ref" {
			if parts := strings.Split(ck.Value, "."); len(parts) == 4 {
				return parts[1]
			}
		}
	}
	e.t.Fatalf("click on %s set no attribution: %d %v", code, resp.StatusCode, resp.Header)
	return ""
}

// TestPaginationWhileRowsAreInserted pages through a referrer's referrals
// and rewards three at a time while new referrals arrive between pages:
// every row is listed exactly once, in id order, and next_cursor is null
// at the end.
func TestPaginationWhileRowsAreInserted(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		boss := e.participant(`{"external_id":"boss"}`, http.StatusCreated)
		added := 0
		refer := func() {
			added++
			e.participant(fmt.Sprintf(`{"external_id":"friend-%d","referral_code":"%s"}`, added, boss.Code), http.StatusCreated)
		}
		for range 7 {
			refer()
		}
		for _, list := range []string{"referrals", "rewards"} {
			seen := map[int64]int{}
			var last int64
			cursor, pages := "", 0
			for {
				path := "/api/v1/participants/ext:boss/" + list + "?limit=3"
				if cursor != "" {
					path += "&cursor=" + url.QueryEscape(cursor)
				}
				var page listBody[struct {
					ID int64 `json:"id"`
				}]
				r := e.get(path)
				if r.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d %s", path, r.StatusCode, r.body)
				}
				if err := json.Unmarshal(r.body, &page); err != nil {
					t.Fatal(err)
				}
				for _, row := range page.Data {
					seen[row.ID]++
					if row.ID <= last {
						t.Fatalf("%s out of order: %d after %d", list, row.ID, last)
					}
					last = row.ID
				}
				if page.NextCursor == nil {
					break
				}
				if pages++; pages <= 3 {
					refer() // arrives while the client pages
				}
				if len(page.Data) != 3 {
					t.Fatalf("a short page with a cursor: %+v", page)
				}
				cursor = *page.NextCursor
			}
			if len(seen) != added {
				t.Fatalf("%s: listed %d rows, %d exist", list, len(seen), added)
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s: row %d listed %d times", list, id, n)
				}
			}
		}
	})
}
