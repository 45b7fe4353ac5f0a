package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/api"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

type backtestValue struct {
	Kind     string `json:"kind"`
	Currency string `json:"currency"`
	Count    int64  `json:"count"`
	Amount   int64  `json:"amount"`
}

type backtestTotals struct {
	Rewards    int64           `json:"rewards"`
	ByCurrency []backtestValue `json:"by_currency"`
}

type backtestBody struct {
	Days   int            `json:"days"`
	From   time.Time      `json:"from"`
	To     time.Time      `json:"to"`
	Events int64          `json:"events"`
	Actual backtestTotals `json:"actual"`
	Draft  backtestTotals `json:"draft"`
	ByRule []struct {
		Index *int           `json:"index"`
		Rule  map[string]any `json:"rule"`
		Actual,
		Draft backtestTotals
	} `json:"by_rule"`
}

// TestBacktestEndpoint: a read key asks what draft rules or a preset
// would have cost over the window, beside what the live rules issued;
// bad drafts are refused with a coded error naming the field.
func TestBacktestEndpoint(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		e := newEnv(t, db) // the default program: 10 points per referred signup
		ann := e.participant(`{"external_id":"ann"}`, 201)
		for i := range 3 {
			e.participant(fmt.Sprintf(`{"external_id":"friend%d","referral_code":"%s"}`, i, ann.Code), 201)
		}
		e.post(api.Prefix+"/events", `{"participant":"ext:friend0","type":"purchase","amount":2500,"currency":"usd","idempotency_key":"o1"}`)
		path := api.Prefix + "/programs/backtest"
		prog, err := e.svc.Program(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		rules := fmt.Sprintf(`{"days":30,"rules":[{"id":%d,"trigger":"signup","referrer":{"kind":"points","amount":25},"cap_count":2,"cap_period":"life"},
			{"trigger":"purchase","first_only":true,"referee":{"kind":"credit","amount":500,"currency":"USD"}}]}`, prog.Rules[0].ID)
		var got backtestBody
		e.request("POST", path, e.read, rules).decode(t, 200, &got)
		points := func(n, amount int64) backtestTotals {
			return backtestTotals{n, []backtestValue{{referralhub.KindPoints, "", n, amount}}}
		}
		if fmt.Sprint(got.Actual) != fmt.Sprint(points(3, 30)) || got.Days != 30 || got.Events == 0 {
			t.Fatalf("actual = %+v", got)
		}
		want := backtestTotals{3, []backtestValue{{referralhub.KindCredit, "usd", 1, 500}, {referralhub.KindPoints, "", 2, 50}}}
		if fmt.Sprint(got.Draft) != fmt.Sprint(want) || len(got.ByRule) != 2 {
			t.Fatalf("draft = %+v", got)
		}
		if r := got.ByRule[0]; *r.Index != 0 || r.Rule["id"] != float64(prog.Rules[0].ID) ||
			fmt.Sprint(r.Actual) != fmt.Sprint(points(3, 30)) || fmt.Sprint(r.Draft) != fmt.Sprint(points(2, 50)) {
			t.Fatalf("by rule 0 = %+v", r)
		}
		if r := got.ByRule[1]; *r.Index != 1 || r.Rule["id"] != nil || r.Actual.Rewards != 0 || r.Draft.Rewards != 1 {
			t.Fatalf("by rule 1 = %+v", r)
		}

		// A preset: give $10, get $10 on the first purchase.
		e.request("POST", path, e.read, `{"preset":"give-get"}`).decode(t, 200, &got)
		if want := (backtestTotals{2, []backtestValue{{referralhub.KindCredit, "usd", 2, 2000}}}); fmt.Sprint(got.Draft) != fmt.Sprint(want) {
			t.Fatalf("give-get = %+v", got.Draft)
		}
		if len(got.ByRule) != 2 || got.ByRule[1].Index != nil || got.ByRule[1].Actual.Rewards != 3 || got.Days != core.DefaultBacktestDays {
			t.Fatalf("give-get by rule = %+v", got.ByRule)
		}

		for _, c := range []struct {
			body        string
			status      int
			code, field string
		}{
			{`{"preset":"nope"}`, 422, api.CodeInvalid, "preset"},
			{`{"preset":"give-get","rules":[]}`, 422, api.CodeInvalid, "preset"},
			{`{"rules":[{"trigger":"refund","referrer":{"kind":"points","amount":1}}]}`, 422, api.CodeInvalid, "rules[0].trigger"},
			{`{"rules":[{"id":999,"trigger":"signup","referrer":{"kind":"points","amount":1}}]}`, 422, api.CodeInvalid, "rules[0].trigger"},
			{`{"rules":[{"trigger":"signup","referrer":{"kind":"points","amount":1},"hold_days":99999999999}]}`, 422, api.CodeInvalid, "rules[0].hold"},
			{`{"days":0}`, 422, api.CodeInvalid, "days"},
			{`{"days":366}`, 422, api.CodeInvalid, "days"},
			{`{"days":"30"}`, 400, api.CodeInvalidType, "days"},
			{`{"rules":{}}`, 400, api.CodeInvalidType, "rules"},
			{`{"draft":[]}`, 400, api.CodeUnknownField, "draft"},
			{`[`, 400, api.CodeMalformedJSON, ""},
		} {
			e.request("POST", path, e.read, c.body).wantError(t, c.status, c.code, c.field)
		}
		e.request("POST", path, "", `{}`).wantError(t, 401, api.CodeUnauthorized, "")
	})
}
