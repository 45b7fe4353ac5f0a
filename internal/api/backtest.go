package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// backtestRequest is the body of POST /programs/backtest: a window and
// either draft rules or a preset.
type backtestRequest struct {
	Days     *int        `json:"days"`
	Rules    *[]ruleJSON `json:"rules"`
	Preset   string      `json:"preset"`
	Campaign string      `json:"campaign"` // a campaign's slug; "" is the default campaign
}

// ruleJSON is a program rule as the API shows and takes it.
type ruleJSON struct {
	ID          *int64          `json:"id"` // null or absent: a new rule
	Trigger     string          `json:"trigger"`
	MinAmount   int64           `json:"min_amount"`
	MinCurrency string          `json:"min_currency"`
	FirstOnly   bool            `json:"first_only"`
	Segment     string          `json:"segment"`
	SegmentOf   string          `json:"segment_of"`
	Referrer    *rewardSpecJSON `json:"referrer"`
	Referee     *rewardSpecJSON `json:"referee"`
	HoldDays    *int64          `json:"hold_days"` // null: the program's hold
	CapCount    int64           `json:"cap_count"`
	CapValue    int64           `json:"cap_value"`
	CapPeriod   string          `json:"cap_period"`
}

// rewardSpecJSON is what one side of a rule earns.
type rewardSpecJSON struct {
	Kind       string `json:"kind"`
	Amount     int64  `json:"amount"`
	Currency   string `json:"currency"`
	PercentOff int64  `json:"percent_off"`
}

type backtestJSON struct {
	Days   int                `json:"days"`
	From   time.Time          `json:"from"`
	To     time.Time          `json:"to"`
	Events int64              `json:"events"`
	Actual totalsJSON         `json:"actual"`
	Draft  totalsJSON         `json:"draft"`
	ByRule []ruleBacktestJSON `json:"by_rule"`
}

type totalsJSON struct {
	Rewards    int64       `json:"rewards"`
	ByCurrency []valueJSON `json:"by_currency"`
}

// valueJSON is as GET /stats's rewards_issued: a kind and currency ("" for
// points and trial days), how many rewards, and their summed amount.
type valueJSON struct {
	Kind     string `json:"kind"`
	Currency string `json:"currency"`
	Count    int64  `json:"count"`
	Amount   int64  `json:"amount"`
}

type ruleBacktestJSON struct {
	Index  *int       `json:"index"` // the rule's place in the draft; null for a rule the draft drops
	Rule   ruleJSON   `json:"rule"`
	Actual totalsJSON `json:"actual"`
	Draft  totalsJSON `json:"draft"`
}

// backtest is POST /programs/backtest: what the draft rules (or a preset)
// would have issued over the last days of recorded events, beside what was
// issued. It writes nothing, so a read key may ask.
func (h *Handler) backtest(w http.ResponseWriter, r *http.Request, body []byte) {
	var req backtestRequest
	if err := decode(body, &req, false); err != nil {
		h.writeError(w, r, err)
		return
	}
	days := core.DefaultBacktestDays
	if req.Days != nil {
		days = *req.Days
	}
	var bt core.Backtest
	var err error
	if req.Campaign != "" && req.Campaign != referralhub.DefaultCampaignSlug {
		bt, err = h.campaignBacktest(r, req, days)
	} else {
		var draft referralhub.Program
		if draft, err = h.backtestDraft(r, req); err != nil {
			h.writeError(w, r, apiRuleFields(err))
			return
		}
		bt, err = h.svc.RunBacktest(r.Context(), draft, days)
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, backtestView(bt))
}

// backtestDraft is the program the request asks about: the rules it
// sends, a preset, or, with neither, the program as it is.
func (h *Handler) backtestDraft(r *http.Request, req backtestRequest) (referralhub.Program, error) {
	switch {
	case req.Rules != nil && req.Preset != "":
		return referralhub.Program{}, invalidField("preset", "Send rules or a preset, not both.")
	case req.Preset != "":
		return h.svc.DraftWithPreset(r.Context(), req.Preset)
	case req.Rules == nil: // the live rules, replayed
		return h.svc.Program(r.Context())
	}
	rules := make([]referralhub.Rule, len(*req.Rules))
	for i, rj := range *req.Rules {
		rules[i] = rj.rule()
	}
	return h.svc.DraftWithRules(r.Context(), rules)
}

func invalidField(field, msg string) error {
	return &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: referralhub.FieldErrors{field: msg}}
}

// apiRuleFields names the core's rule fields ("rule.2.trigger") as the
// body does ("rules[2].trigger").
func apiRuleFields(err error) error {
	fields := referralhub.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	out := referralhub.FieldErrors{}
	for name, msg := range fields {
		if rest, ok := strings.CutPrefix(name, "rule."); ok {
			if n, field, ok := strings.Cut(rest, "."); ok {
				name = "rules[" + n + "]." + field
			}
		}
		out[name] = msg
	}
	return &referralhub.Error{Code: referralhub.ErrorCode(err), Message: referralhub.ErrorMessage(err), Fields: out}
}

// rule is the core's rule for r.
func (r ruleJSON) rule() referralhub.Rule {
	out := referralhub.Rule{Trigger: r.Trigger, MinAmount: r.MinAmount, MinCurrency: strings.ToLower(r.MinCurrency),
		FirstOnly: r.FirstOnly, Segment: r.Segment, SegmentOf: r.SegmentOf, Referrer: r.Referrer.spec(),
		Referee: r.Referee.spec(), CapCount: r.CapCount, CapValue: r.CapValue, CapPeriod: r.CapPeriod}
	if r.ID != nil {
		out.ID = *r.ID
	}
	if r.HoldDays != nil {
		hold := time.Duration(*r.HoldDays) * 24 * time.Hour
		if *r.HoldDays < 0 || *r.HoldDays > 10000 {
			hold = -1 // out of range (and never overflowing): the core refuses it
		}
		out.Hold = &hold
	}
	return out
}

func (s *rewardSpecJSON) spec() *referralhub.RewardSpec {
	if s == nil {
		return nil
	}
	return &referralhub.RewardSpec{Kind: s.Kind, Amount: s.Amount, Currency: strings.ToLower(s.Currency), PercentOff: s.PercentOff}
}

// ruleView is a rule as the API shows it; id is null for a draft's new rule.
func ruleView(r referralhub.Rule, id int64) ruleJSON {
	out := ruleJSON{Trigger: r.Trigger, MinAmount: r.MinAmount, MinCurrency: r.MinCurrency, FirstOnly: r.FirstOnly,
		Segment: r.Segment, SegmentOf: r.SegmentOf, Referrer: specView(r.Referrer), Referee: specView(r.Referee),
		CapCount: r.CapCount, CapValue: r.CapValue, CapPeriod: r.CapPeriod}
	if id != 0 {
		out.ID = &id
	}
	if r.Hold != nil {
		days := int64(*r.Hold / (24 * time.Hour))
		out.HoldDays = &days
	}
	return out
}

func specView(s *referralhub.RewardSpec) *rewardSpecJSON {
	if s == nil {
		return nil
	}
	return &rewardSpecJSON{Kind: s.Kind, Amount: s.Amount, Currency: s.Currency, PercentOff: s.PercentOff}
}

func backtestView(bt core.Backtest) backtestJSON {
	out := backtestJSON{Days: bt.Days, From: bt.From, To: bt.To, Events: bt.Events, Actual: totalsView(bt.Actual),
		Draft: totalsView(bt.Draft), ByRule: make([]ruleBacktestJSON, 0, len(bt.ByRule))}
	for _, r := range bt.ByRule {
		rb := ruleBacktestJSON{Rule: ruleView(r.Rule, r.ID), Actual: totalsView(r.Actual), Draft: totalsView(r.Draft)}
		if r.Index >= 0 {
			rb.Index = &r.Index
		}
		out.ByRule = append(out.ByRule, rb)
	}
	return out
}

func totalsView(t core.RewardTotals) totalsJSON {
	out := totalsJSON{Rewards: t.Rewards, ByCurrency: make([]valueJSON, 0, len(t.Values))}
	for _, v := range t.Values {
		out.ByCurrency = append(out.ByCurrency, valueJSON{Kind: v.Kind, Currency: v.Currency, Count: v.Rewards, Amount: v.Amount})
	}
	return out
}

// postRead guards a POST that only reads (it computes an answer and
// writes nothing): any key may call it, with a JSON body.
func (h *Handler) postRead(next bodyHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(w, r)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		next(w, r, body)
	}
}

// campaignBacktest answers a backtest whose body names a campaign other
// than the default one: its rules (the body's, a preset's, or its own)
// replayed over its referrers' events.
func (h *Handler) campaignBacktest(r *http.Request, req backtestRequest, days int) (core.Backtest, error) {
	var rules []referralhub.Rule
	switch {
	case req.Rules != nil && req.Preset != "":
		return core.Backtest{}, invalidField("preset", "Send rules or a preset, not both.")
	case req.Preset != "":
		if core.PresetName(req.Preset) == "" {
			return core.Backtest{}, invalidField("preset", fmt.Sprintf("Choose one of %v.", core.Presets()))
		}
		var err error
		if rules, err = h.svc.CampaignRules(r.Context(), req.Preset); err != nil {
			return core.Backtest{}, err
		}
	case req.Rules != nil:
		rules = make([]referralhub.Rule, len(*req.Rules))
		for i, rj := range *req.Rules {
			rules[i] = rj.rule()
		}
	}
	c, draft, err := h.svc.CampaignDraft(r.Context(), req.Campaign, rules)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return core.Backtest{}, invalidField("campaign", "Give the slug of an existing campaign.")
	}
	if err != nil {
		return core.Backtest{}, apiRuleFields(err)
	}
	return h.svc.RunCampaignBacktest(r.Context(), c, draft, days)
}
