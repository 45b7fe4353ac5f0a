package web

import (
	"net/url"
	"strconv"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// Select values of the program form that stand for "nothing chosen".
const (
	choiceNone   = "none"   // a side's kind and a cap's period
	choiceAny    = "any"    // a rule's segment
	choiceCustom = "custom" // a rule's trigger: the event field names it
)

// maxRuleRows bounds how many rule rows a posted form is read for.
const maxRuleRows = 2 * core.MaxRules

// programForm is the program form as typed. Every value stays a string, so
// a rejected form comes back exactly as it was sent.
type programForm struct {
	Name, WindowDays, HoldDays                   string
	PointsPerCoupon, CouponValue, CouponCurrency string
	RedirectHosts                                string // one per line, or comma-separated
	StripeCoupon                                 string // the Stripe coupon of friends' promotion codes
	EmbedOrigins                                 string // likewise
	ReservedCodes                                string // one per line
	AddUTM                                       bool
	Rules                                        []ruleForm
	HasLevels                                    bool // the form carries tier and badge rows
	inviteSettingsForm                                // invitations by email
	Tiers, Badges                                []levelForm
	Errors                                       map[string]string // "name", "rule.0.referrer", ...
	Message                                      string
}

// ruleForm is one rule row. N is the row's place in the form, the N in its
// field names "rule.N.*"; ID is the rule's id, blank for a new rule.
type ruleForm struct {
	N                             int
	ID                            string
	Trigger, Event                string
	MinAmount, MinCurrency        string
	FirstOnly                     bool
	Segment, SegmentOf            string
	Referrer, Referee             sideForm
	HoldDays                      string
	CapCount, CapValue, CapPeriod string
	Delete                        bool
}

// sideForm is what one side of a rule earns, as typed.
type sideForm struct {
	Side, Label                     string // "referrer" or "referee", and its name for people
	Kind, Amount, Currency, Percent string
}

// Sides lists the rule's two sides, for the template.
func (r ruleForm) Sides() []sideForm { return []sideForm{r.Referrer, r.Referee} }

// blank reports whether the row is the empty "add a rule" row.
func (r ruleForm) blank() bool {
	return r.ID == "" && isNone(r.Referrer.Kind) && isNone(r.Referee.Kind)
}

func isNone(choice string) bool { return choice == "" || choice == choiceNone }

// readProgramForm reads a posted program form, rule_count rows of rules.
func readProgramForm(form url.Values) programForm {
	f := programForm{Name: form.Get("name"), WindowDays: form.Get("attribution_window_days"),
		HoldDays: form.Get("hold_days"), PointsPerCoupon: form.Get("points_per_coupon"),
		CouponValue: form.Get("coupon_value"), CouponCurrency: form.Get("coupon_currency"),
		RedirectHosts: form.Get("redirect_hosts"), StripeCoupon: form.Get("stripe_coupon"), EmbedOrigins: form.Get("embed_origins"),
		ReservedCodes: form.Get("reserved_codes"), AddUTM: form.Get("add_utm") != ""}
	n, _ := strconv.Atoi(form.Get("rule_count"))
	for i := range min(max(n, 0), maxRuleRows) {
		f.Rules = append(f.Rules, readRuleRow(form, i))
	}
	readLevels(form, &f)
	f.inviteSettingsForm = readInviteSettingsForm(form)
	return f
}

func readRuleRow(form url.Values, n int) ruleForm {
	prefix := "rule." + strconv.Itoa(n) + "."
	get := func(name string) string { return form.Get(prefix + name) }
	side := func(name, label string) sideForm {
		return sideForm{Side: name, Label: label, Kind: get(name + "_kind"), Amount: get(name + "_amount"),
			Currency: get(name + "_currency"), Percent: get(name + "_percent")}
	}
	return ruleForm{N: n, ID: get("id"), Trigger: get("trigger"), Event: get("event"),
		MinAmount: get("min_amount"), MinCurrency: get("min_currency"), FirstOnly: get("first_only") != "",
		Segment: get("segment"), SegmentOf: get("segment_of"), Referrer: side(referralhub.SideReferrer, "Referrer gets"),
		Referee: side(referralhub.SideReferee, "Friend gets"), HoldDays: get("hold_days"),
		CapCount: get("cap_count"), CapValue: get("cap_value"), CapPeriod: get("cap_period"),
		Delete: get("delete") != ""}
}

// withBlankRow ends the form with an empty row for adding a rule.
func (f programForm) withBlankRow() programForm {
	if n := len(f.Rules); n == 0 || !f.Rules[n-1].blank() {
		f.Rules = append(f.Rules, blankRule(n))
	}
	return f
}

func blankRule(n int) ruleForm {
	return ruleForm{N: n, Trigger: referralhub.EventSignup, Segment: choiceAny, SegmentOf: referralhub.SegmentFriend, CapPeriod: choiceNone,
		Referrer: sideForm{Side: referralhub.SideReferrer, Label: "Referrer gets", Kind: choiceNone},
		Referee:  sideForm{Side: referralhub.SideReferee, Label: "Friend gets", Kind: choiceNone}}
}
