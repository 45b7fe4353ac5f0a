package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestEventsDriveRewards reports a referred participant's first purchase
// under "give $10, get $10": both sides get $10.00 credit in the event's
// answer, the details come back, a repeated idempotency_key answers 200
// with the first event and changes nothing, and the lists and stats show
// the credit.
func TestEventsDriveRewards(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		if _, err := e.svc.ApplyPreset(context.Background(), e.admin, core.PresetGiveGet); err != nil {
			t.Fatal(err)
		}
		alice := e.participant(`{"external_id":"alice"}`, http.StatusCreated)
		bob := e.participant(`{"external_id":"bob","name":"Bob","referral_code":"`+alice.Code+`"}`, http.StatusCreated)
		purchase := `{"participant":"ext:bob","type":"purchase","amount":2500,"currency":"USD","idempotency_key":"order-1",
			"occurred_at":"2026-11-01T10:00:00+01:00","metadata":{"order":"A-1","items":[1,2]}}`
		var ev eventBody
		e.post("/api/v1/events", purchase).decode(t, http.StatusCreated, &ev)
		if ev.ParticipantID != bob.ID || ev.Type != "purchase" || *ev.Amount != 2500 || *ev.Currency != "usd" || ev.Purchase != nil ||
			ev.IdempotencyKey != "order-1" || !ev.OccurredAt.Equal(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)) ||
			string(ev.Metadata) != `{"order":"A-1","items":[1,2]}` || ev.ReferralID == nil || len(ev.Rewards) != 2 {
			t.Fatalf("event = %+v", ev)
		}
		for _, r := range ev.Rewards {
			if r.Kind != "credit" || r.Amount != 1000 || *r.Currency != "usd" || r.Status != "approved" || *r.EventID != ev.ID {
				t.Errorf("reward = %+v", r)
			}
		}
		if ev.Rewards[0].Reason != "Bob's first purchase" {
			t.Errorf("reason = %q", ev.Rewards[0].Reason)
		}
		var repeat eventBody
		e.post("/api/v1/events", `{"participant":`+fmt.Sprint(bob.ID)+`,"type":"purchase","amount":1,"currency":"usd","idempotency_key":"order-1"}`).
			decode(t, http.StatusOK, &repeat)
		if repeat.ID != ev.ID || *repeat.Amount != 2500 || len(repeat.Rewards) != 2 {
			t.Fatalf("repeat = %+v", repeat)
		}
		var visit eventBody
		e.post("/api/v1/events", `{"participant":"`+fmt.Sprint(bob.ID)+`","type":"visit.page","idempotency_key":"v1"}`).decode(t, http.StatusCreated, &visit)
		if visit.Amount != nil || visit.Currency != nil || visit.OccurredAt != nil || string(visit.Metadata) != "null" || len(visit.Rewards) != 0 {
			t.Fatalf("custom event = %+v", visit)
		}
		var rewards listBody[rewardBody]
		e.get("/api/v1/participants/ext:alice/rewards").decode(t, http.StatusOK, &rewards)
		if len(rewards.Data) != 1 || rewards.Data[0].Amount != 1000 || *rewards.Data[0].Side != "referrer" {
			t.Fatalf("alice's rewards = %+v", rewards.Data)
		}
		var refund eventBody
		e.post("/api/v1/events", `{"participant":"ext:bob","type":"refund","amount":2500,"currency":"usd","idempotency_key":"r1","purchase":"order-1"}`).
			decode(t, http.StatusCreated, &refund)
		if *refund.Purchase != "order-1" || len(refund.Rewards) != 2 || refund.Rewards[0].Entry != "clawback" || refund.Rewards[0].Amount != -1000 {
			t.Fatalf("refund = %+v", refund)
		}
	})
}

// TestVerifiedEmailReleasesRewards keeps the default verification gate:
// the referrer's points for an API signup stay pending until the host
// reports email_verified for the friend.
func TestVerifiedEmailReleasesRewards(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnvWith(t, db, envOptions{fraud: true})
		alice := e.participant(`{"external_id":"alice","email":"alice@example.com"}`, http.StatusCreated)
		e.participant(`{"external_id":"bob","email":"bob@example.org","referral_code":"`+alice.Code+`"}`, http.StatusCreated)
		points := func() statsOfOne {
			var p participantBody
			e.get("/api/v1/participants/ext:alice").decode(t, http.StatusOK, &p)
			return p.Stats
		}
		if st := points(); st.Points != 0 || len(st.Balances) != 1 || st.Balances[0].Pending != 10 {
			t.Fatalf("before verification = %+v", st)
		}
		e.post("/api/v1/events", `{"participant":"ext:bob","type":"email_verified","idempotency_key":"verified"}`).decode(t, http.StatusCreated, &eventBody{})
		if st := points(); st.Points != 10 || st.Balances[0].Pending != 0 {
			t.Fatalf("after verification = %+v", st)
		}
	})
}

// TestRedeemThroughTheAPI redeems a friend's trial days by reward id:
// once, with a replay of the first answer under the same Idempotency-Key
// and a conflict without it.
func TestRedeemThroughTheAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		prog, err := e.svc.Program(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		prog.Rules = append(prog.Rules, referralhub.Rule{Trigger: referralhub.EventSignup,
			Referee: &referralhub.RewardSpec{Kind: referralhub.KindTrialDays, Amount: 14}})
		e.saveProgram(prog)
		alice := e.participant(`{"external_id":"alice"}`, http.StatusCreated)
		e.participant(`{"external_id":"bob","referral_code":"`+alice.Code+`"}`, http.StatusCreated)
		var rewards listBody[rewardBody]
		e.get("/api/v1/participants/ext:bob/rewards").decode(t, http.StatusOK, &rewards)
		if len(rewards.Data) != 1 || rewards.Data[0].Kind != "trial_days" || rewards.Data[0].Status != "approved" {
			t.Fatalf("bob's rewards = %+v", rewards.Data)
		}
		path := fmt.Sprintf("/api/v1/rewards/%d/redeem", rewards.Data[0].ID)
		first := e.post(path, "", "Idempotency-Key", "redeem-1")
		var r rewardBody
		first.decode(t, http.StatusOK, &r)
		if r.Status != "redeemed" || r.RedeemAskedAt == nil || r.RedeemedAt == nil {
			t.Fatalf("redeemed = %+v", r)
		}
		if again := e.post(path, "", "Idempotency-Key", "redeem-1"); again.StatusCode != http.StatusOK || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s", again.StatusCode, again.body)
		}
		e.post(path, `{}`).wantError(t, http.StatusConflict, "conflict", "")
		var points listBody[rewardBody]
		e.get("/api/v1/participants/ext:alice/rewards").decode(t, http.StatusOK, &points)
		e.post(fmt.Sprintf("/api/v1/rewards/%d/redeem", points.Data[0].ID), "").wantError(t, http.StatusUnprocessableEntity, "invalid", "")
	})
}

// TestProgramStats counts the program in one answer with every status and
// kind present.
func TestProgramStats(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db)
		alice := e.participant(`{"external_id":"alice"}`, http.StatusCreated)
		e.click(alice.Code)
		e.participant(`{"external_id":"bob","referral_code":"`+alice.Code+`"}`, http.StatusCreated)
		if err := e.clicks.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		var st struct {
			Participants int64 `json:"participants"`
			Referrals    int64 `json:"referrals"`
			Clicks       int64 `json:"clicks"`
			Rewards      struct {
				ByStatus map[string]int64 `json:"by_status"`
				ByKind   map[string]int64 `json:"by_kind"`
			} `json:"rewards"`
			Outstanding struct {
				Points struct {
					Available int64 `json:"available"`
					Pending   int64 `json:"pending"`
				} `json:"points"`
				Credit []struct {
					Currency  string `json:"currency"`
					Available int64  `json:"available"`
					Pending   int64  `json:"pending"`
				} `json:"credit"`
			} `json:"outstanding"`
			Period json.RawMessage `json:"period"` // TestStatsOfAPeriod checks these
			Series json.RawMessage `json:"series"`
		}
		before := db.QueryCount()
		e.request("GET", "/api/v1/stats", e.read, "").decode(t, http.StatusOK, &st)
		if n := db.QueryCount() - before; n > 9 {
			t.Errorf("stats ran %d statements (key lookup and use, and 4 rollup reads included), want at most 9", n)
		}
		if st.Participants != 3 || st.Referrals != 1 || st.Clicks != 1 || len(st.Rewards.ByStatus) != 6 || len(st.Rewards.ByKind) != 4 ||
			st.Rewards.ByStatus["approved"] != 1 || st.Rewards.ByKind["points"] != 1 || st.Outstanding.Points.Available != 10 ||
			st.Outstanding.Credit == nil {
			t.Fatalf("stats = %+v", st)
		}
	})
}
