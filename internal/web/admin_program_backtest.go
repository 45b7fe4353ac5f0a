package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// backtestView is "What would this have cost?" answered on the program
// page: what the rules in the form would have issued over the window,
// beside what the saved rules issued.
type backtestView struct {
	Days                  int
	From, To              time.Time
	Events                int64
	Issued, Draft         int64 // rewards in all
	Values                []backtestLine
	Rules                 []backtestLine
	IssuedNone, DraftNone bool
	// DraftLabel and DraftHeading name the replayed rules in the result's
	// sentence and column heads: "this draft" on the program's form,
	// "these rules" on a campaign's.
	DraftLabel, DraftHeading string
}

// backtestLine is one row of the comparison: a kind and currency, or a
// rule, with what was issued and what the draft would issue, in words.
type backtestLine struct {
	Label, Issued, Draft string
}

// handleAdminProgramBacktest replays the window's recorded events under
// the rules in the posted form, without saving the form or writing
// anything, and shows the comparison on the program page with the form as
// sent. A mistake in the form is shown as saving it would show it.
func (s *Server) handleAdminProgramBacktest(w http.ResponseWriter, r *http.Request) {
	v, ok := s.adminViewer(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	form := readProgramForm(r.PostForm)
	daysText := strings.TrimSpace(r.PostForm.Get("backtest_days"))
	p, rows, fe := form.program()
	days, err := strconv.Atoi(cmpOr(daysText, strconv.Itoa(core.DefaultBacktestDays)))
	if err != nil || days < 1 || days > core.MaxBacktestDays {
		fe.Add("backtest_days", fmt.Sprintf("Give a number of days from 1 to %d.", core.MaxBacktestDays))
	}
	if len(fe) > 0 {
		for name, msg := range rowErrors(referralhub.ErrorFields(core.ValidateProgram(p)), rows) {
			fe.Add(name, msg)
		}
		s.backtestFailed(w, r, v, form, daysText, fe.Err())
		return
	}
	draft, err := s.svc.DraftProgram(r.Context(), p)
	var bt core.Backtest
	if err == nil {
		bt, err = s.svc.RunBacktest(r.Context(), draft, days)
	}
	if referralhub.ErrorCode(err) == referralhub.EINVALID {
		fields := rowErrors(referralhub.ErrorFields(err), rows)
		if msg, ok := fields["days"]; ok {
			fields["backtest_days"] = msg
		}
		s.backtestFailed(w, r, v, form, daysText, &referralhub.Error{Code: referralhub.EINVALID,
			Message: referralhub.ErrorMessage(err), Fields: fields})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := backtestViewOf(bt, rows)
	view.DraftLabel, view.DraftHeading = "this draft", "This draft"
	s.renderProgramView(w, r, v, http.StatusOK, programView{Form: form.withBlankRow(), BacktestDays: strconv.Itoa(days), Backtest: &view})
}

// backtestFailed re-renders the form as sent with err's messages, 422.
func (s *Server) backtestFailed(w http.ResponseWriter, r *http.Request, v viewer, form programForm, days string, err error) {
	form.Errors, form.Message = referralhub.ErrorFields(err), referralhub.ErrorMessage(err)
	s.renderProgramView(w, r, v, http.StatusUnprocessableEntity, programView{Form: form.withBlankRow(), BacktestDays: days})
}

func cmpOr(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// backtestViewOf puts a backtest in words; rows[i] is the form row of the
// draft's rule i.
func backtestViewOf(bt core.Backtest, rows []int) backtestView {
	v := backtestView{Days: bt.Days, From: bt.From, To: bt.To, Events: bt.Events, Issued: bt.Actual.Rewards, Draft: bt.Draft.Rewards}
	type kc struct{ kind, currency string }
	issued, drafted := map[kc]core.RewardValue{}, map[kc]core.RewardValue{}
	var order []kc
	for _, side := range []struct {
		values []core.RewardValue
		into   map[kc]core.RewardValue
	}{{bt.Actual.Values, issued}, {bt.Draft.Values, drafted}} {
		for _, val := range side.values {
			k := kc{val.Kind, val.Currency}
			if _, seen := issued[k]; !seen {
				if _, seen := drafted[k]; !seen {
					order = append(order, k)
				}
			}
			side.into[k] = val
		}
	}
	for _, k := range order {
		v.Values = append(v.Values, backtestLine{Label: kindLabel(k.kind, k.currency),
			Issued: valueWords(issued[k]), Draft: valueWords(drafted[k])})
	}
	for _, r := range bt.ByRule {
		v.Rules = append(v.Rules, backtestLine{Label: ruleLabel(r, rows), Issued: totalsWords(r.Actual), Draft: totalsWords(r.Draft)})
	}
	return v
}

// ruleLabel names a rule as the form does: "Rule #3 (signup)", "New rule
// in row 4 (purchase)", "Rule #2 (purchase), left out".
func ruleLabel(r core.RuleBacktest, rows []int) string {
	trigger := r.Rule.Trigger
	switch {
	case r.Index < 0 && trigger == "":
		return fmt.Sprintf("Rule #%d (deleted)", r.ID)
	case r.Index < 0:
		return fmt.Sprintf("Rule #%d (%s), not in this draft", r.ID, trigger)
	case r.ID == 0 && r.Index < len(rows):
		return fmt.Sprintf("New rule in row %d (%s)", rows[r.Index]+1, trigger)
	case r.ID == 0:
		return fmt.Sprintf("New rule (%s)", trigger)
	}
	return fmt.Sprintf("Rule #%d (%s)", r.ID, trigger)
}

// kindLabel names a kind and currency: "Points", "Credit (USD)".
func kindLabel(kind, currency string) string {
	label := map[string]string{referralhub.KindPoints: "Points", referralhub.KindCredit: "Credit",
		referralhub.KindCoupon: "Coupons", referralhub.KindTrialDays: "Trial days"}[kind]
	if label == "" {
		label = kind
	}
	if currency != "" {
		label += " (" + strings.ToUpper(currency) + ")"
	}
	return label
}

// valueWords is "3 rewards: $30.00 credit", "none".
func valueWords(v core.RewardValue) string {
	if v.Rewards == 0 {
		return "none"
	}
	what := rewardsWord(v.Rewards)
	if v.Kind == referralhub.KindCoupon && v.Amount == 0 {
		return what // percent-off coupons have no amount to sum
	}
	return what + ": " + core.DescribeReward(referralhub.Reward{Kind: v.Kind, Amount: v.Amount, Currency: v.Currency})
}

// totalsWords is a rule's rewards and their values: "2 rewards: 20 points".
func totalsWords(t core.RewardTotals) string {
	if t.Rewards == 0 {
		return "none"
	}
	parts := make([]string, 0, len(t.Values))
	for _, v := range t.Values {
		parts = append(parts, valueWords(v))
	}
	return strings.Join(parts, "; ")
}

func rewardsWord(n int64) string {
	if n == 1 {
		return "1 reward"
	}
	return strconv.FormatInt(n, 10) + " rewards"
}
