package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestParticipantCampaignField: POST /participants enrols in the campaign
// its "campaign" names, on create and on update; the participant JSON
// answers it; a referee joins the referrer's campaign; an unknown slug is
// a 422 naming the field.
func TestParticipantCampaignField(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		_, err := e.svc.CreateCampaign(t.Context(), e.admin, referralhub.Campaign{Slug: "spring", Name: "Spring",
			Program: &referralhub.Program{AttributionWindow: 24 * time.Hour}})
		if err != nil {
			t.Fatal(err)
		}
		plain := e.participant(`{"external_id":"plain"}`, http.StatusCreated)
		if plain.Campaign != referralhub.DefaultCampaignSlug {
			t.Fatalf("default = %q", plain.Campaign)
		}
		ann := e.participant(`{"external_id":"ann","campaign":"spring"}`, http.StatusCreated)
		if ann.Campaign != "spring" {
			t.Fatalf("created in %q", ann.Campaign)
		}
		bob := e.participant(`{"external_id":"bob","referral_code":"`+ann.Code+`"}`, http.StatusCreated)
		if bob.Campaign != "spring" {
			t.Fatalf("ann's friend is in %q", bob.Campaign)
		}
		if moved := e.participant(`{"external_id":"plain","campaign":"spring"}`, http.StatusOK); moved.Campaign != "spring" {
			t.Fatalf("updated into %q", moved.Campaign)
		}
		if kept := e.participant(`{"external_id":"plain","name":"P"}`, http.StatusOK); kept.Campaign != "spring" {
			t.Fatalf("an update without campaign moved it to %q", kept.Campaign)
		}
		e.post("/api/v1/participants", `{"external_id":"zed","campaign":"nope"}`).wantError(t, http.StatusUnprocessableEntity, "invalid", "campaign")
		e.post("/api/v1/participants", `{"external_id":"zed","campaign":"Bad Slug!"}`).wantError(t, http.StatusUnprocessableEntity, "invalid", "campaign")
	})
}

// TestImportEndpointCampaignColumn: POST /participants/import enrols the
// rows that name a campaign, and rejects an unknown one.
func TestImportEndpointCampaignColumn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		if _, err := e.svc.CreateCampaign(t.Context(), e.admin, referralhub.Campaign{Slug: "vip", Name: "VIP"}); err != nil {
			t.Fatal(err)
		}
		var got importBody
		e.post("/api/v1/participants/import", `{"external_id":"v1","campaign":"vip"}`+"\n"+`{"external_id":"v2","campaign":"gone"}`+"\n",
			"Content-Type", "application/x-ndjson").decode(t, http.StatusOK, &got)
		if len(got.Results) != 2 || got.Results[0].Status != "inserted" || got.Results[1].Status != "rejected" ||
			!strings.Contains(*got.Results[1].Reason, "unknown campaign") {
			t.Fatalf("results %+v", got.Results)
		}
		var v1 participantBody
		e.get("/api/v1/participants/ext:v1").decode(t, http.StatusOK, &v1)
		if v1.Campaign != "vip" {
			t.Fatalf("imported into %q", v1.Campaign)
		}
	})
}

// TestCampaignBacktest: "campaign" narrows POST /programs/backtest to the
// campaign's referrers and rules: a spring referrer's referrals replay
// under spring's rules (or the draft's), the default campaign's under the
// program's, and each side sees only what its own rules issued.
func TestCampaignBacktest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db) // the default program: 10 points per referred signup
		_, err := e.svc.CreateCampaign(t.Context(), e.admin, referralhub.Campaign{Slug: "spring", Name: "Spring",
			Program: &referralhub.Program{AttributionWindow: 24 * time.Hour, Rules: []referralhub.Rule{{Trigger: referralhub.EventSignup,
				CapPeriod: referralhub.PeriodLife, Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 50}}}}})
		if err != nil {
			t.Fatal(err)
		}
		ann := e.participant(`{"external_id":"ann","campaign":"spring"}`, http.StatusCreated)
		bob := e.participant(`{"external_id":"bob"}`, http.StatusCreated)
		for i := range 2 {
			e.participant(fmt.Sprintf(`{"external_id":"a%d","referral_code":"%s"}`, i, ann.Code), http.StatusCreated)
		}
		e.participant(`{"external_id":"b0","referral_code":"`+bob.Code+`"}`, http.StatusCreated)
		path := "/api/v1/programs/backtest"
		var spring, def, plain backtestBody
		e.request("POST", path, e.read, `{"campaign":"spring"}`).decode(t, 200, &spring)
		if spring.Actual.Rewards != 2 || spring.Actual.ByCurrency[0].Amount != 100 || spring.Draft.Rewards != 2 || spring.Draft.ByCurrency[0].Amount != 100 {
			t.Fatalf("spring = %+v", spring)
		}
		e.request("POST", path, e.read, `{"campaign":"default"}`).decode(t, 200, &def)
		e.request("POST", path, e.read, `{}`).decode(t, 200, &plain)
		for _, got := range []backtestBody{def, plain} {
			if got.Actual.Rewards != 1 || got.Actual.ByCurrency[0].Amount != 10 || got.Draft.Rewards != 1 || got.Draft.ByCurrency[0].Amount != 10 {
				t.Fatalf("default = %+v", got)
			}
		}
		e.request("POST", path, e.read, `{"campaign":"spring","preset":"give-get"}`).decode(t, 200, &spring)
		if spring.Actual.Rewards != 2 || spring.Draft.Rewards != 0 {
			t.Fatalf("spring under give-get = %+v", spring)
		}
		e.request("POST", path, e.read, `{"campaign":"spring","rules":[{"id":1,"trigger":"signup","referrer":{"kind":"points","amount":1}}]}`).
			wantError(t, 422, "invalid", "rules[0].trigger")
		e.request("POST", path, e.read, `{"campaign":"nope"}`).wantError(t, 422, "invalid", "campaign")
	})
}

// TestStatsCampaignFilter: GET /stats?campaign=slug answers the period of
// that campaign alone, the unfiltered figures stay the program's, and an
// unknown slug is a 422 naming the field.
func TestStatsCampaignFilter(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db) // the default program: 10 points per referred signup
		_, err := e.svc.CreateCampaign(t.Context(), e.admin, referralhub.Campaign{Slug: "spring", Name: "Spring",
			Program: &referralhub.Program{AttributionWindow: 24 * time.Hour, Rules: []referralhub.Rule{{Trigger: referralhub.EventSignup,
				CapPeriod: referralhub.PeriodLife, Referrer: &referralhub.RewardSpec{Kind: referralhub.KindPoints, Amount: 50}}}}})
		if err != nil {
			t.Fatal(err)
		}
		ann := e.participant(`{"external_id":"ann","campaign":"spring"}`, http.StatusCreated)
		e.participant(`{"external_id":"a1","referral_code":"`+ann.Code+`"}`, http.StatusCreated)
		e.participant(`{"external_id":"plain"}`, http.StatusCreated)
		type period struct {
			OrganicSignups  int64 `json:"organic_signups"`
			ReferredSignups int64 `json:"referred_signups"`
			RewardsIssued   []struct {
				Kind   string `json:"kind"`
				Amount int64  `json:"amount"`
			} `json:"rewards_issued"`
		}
		stats := func(query string) (period, int64) {
			t.Helper()
			var raw map[string]json.RawMessage
			e.get("/api/v1/stats"+query).decode(t, http.StatusOK, &raw)
			var p period
			var participants int64
			if err := json.Unmarshal(raw["period"], &p); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw["participants"], &participants); err != nil {
				t.Fatal(err)
			}
			return p, participants
		}
		p, participants := stats("?campaign=spring")
		if p.OrganicSignups != 1 || p.ReferredSignups != 1 || len(p.RewardsIssued) != 1 || p.RewardsIssued[0].Amount != 50 || participants != 4 {
			t.Fatalf("spring = %+v, %d participants", p, participants)
		}
		if p, _ := stats("?campaign=default"); p.OrganicSignups != 2 || p.ReferredSignups != 0 || len(p.RewardsIssued) != 0 {
			t.Fatalf("default = %+v", p)
		}
		e.get("/api/v1/stats?campaign=nope").wantError(t, 422, "invalid", "campaign")
	})
}
