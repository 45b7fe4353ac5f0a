package web

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// rewardsView is everything the rewards page shows.
type rewardsView struct {
	Balances []balanceCard
	Earn     []string // "How to earn more", one sentence per rule
	Rows     []rewardRow
	Coupon   couponOffer
	Message  string // why the last redeem or purchase was refused
	// Standing is a neutral note for a friend whose referral was refused:
	// never the reasons.
	Standing string
	Form     formTarget // where the Redeem and coupon forms post
	// Older is the cursor of the history's next, older page ("" for none);
	// Paged is true past the newest page. PageLinks: the page links to
	// them (the embedded page shows the newest page only).
	Older     string
	Paged     bool
	PageLinks bool
}

// formTarget is where a page's reward forms post, and the hidden fields
// they carry: the site's own paths, or the embedded page's, whose forms
// carry its token in the body (the embedded page has no cookie).
type formTarget struct {
	Prefix string // "/rewards", or "/embed/rewards"
	Hidden []hiddenField
}

// hiddenField is one hidden form field.
type hiddenField struct{ Name, Value string }

// Embedded reports whether the forms are the embedded page's.
func (f formTarget) Embedded() bool { return len(f.Hidden) > 0 }

// couponOffer is the "spend points on a coupon" form. Key is a fresh
// one-time key, so submitting the same form twice buys one coupon.
type couponOffer struct {
	CanBuy bool
	Points int64  // the price in points
	Value  string // "$5.00"
	Key    string
	Hint   string // how to get there, when the balance is short
}

// handleRewards shows a participant's balances, how to earn more and their
// rewards, with a Redeem button on each one that can be used.
func (s *Server) handleRewards(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	s.renderRewardsPage(w, r, v, http.StatusOK, "", r.URL.Query().Get("before"))
}

// renderRewards renders the rewards page with an optional message about
// the form just refused, under status.
func (s *Server) renderRewards(w http.ResponseWriter, r *http.Request, v viewer, status int, message string) {
	s.renderRewardsPage(w, r, v, status, message, "")
}

// renderRewardsPage is renderRewards showing the page of the history that
// cursor names (the newest for "").
func (s *Server) renderRewardsPage(w http.ResponseWriter, r *http.Request, v viewer, status int, message, cursor string) {
	page, err := s.svc.RewardsBefore(r.Context(), v.Participant.ID, cursor)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := rewardsViewOf(page, message, formTarget{Prefix: "/rewards"})
	view.PageLinks = true
	standing, err := s.svc.Standing(r.Context(), v.Participant.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if standing.Rejected {
		view.Standing = "Rewards for joining through a friend's link aren't available on this account."
	}
	s.render(w, r, status, "rewards", pageData{Title: "Your rewards", User: &v.User, Data: view})
}

// rewardsViewOf is what a rewards page shows of page, with forms that
// post to form.
func rewardsViewOf(page core.RewardsPage, message string, form formTarget) rewardsView {
	return rewardsView{Balances: balanceCards(page), Earn: earnSentences(page.Program), Rows: rewardRows(page.Rewards),
		Coupon: couponOfferFor(page), Message: message, Form: form, Older: page.Older, Paged: page.Paged}
}

func couponOfferFor(page core.RewardsPage) couponOffer {
	p := page.Program
	o := couponOffer{CanBuy: page.CanBuyCoupon, Points: p.PointsPerCoupon, Value: core.FormatMoney(p.CouponValue, p.CouponCurrency)}
	switch {
	case o.CanBuy:
		o.Key = rand.Text()
	case p.PointsPerCoupon > 0 && page.Stripe:
		o.Hint = "Collect " + strconv.FormatInt(p.PointsPerCoupon, 10) + " points to swap them for a " + o.Value + " coupon."
	}
	return o
}

// handleRedeem asks for one of the viewer's rewards to be used. A reward
// that is not the viewer's, or a visitor's attempt, is 404: the URL names a
// reward, and nobody but its owner learns that it exists.
func (s *Server) handleRedeem(w http.ResponseWriter, r *http.Request) {
	v, ok, err := s.currentViewer(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id, perr := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if !ok || perr != nil {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "That reward does not exist."))
		return
	}
	if _, err := s.svc.Redeem(r.Context(), v.Participant, id); err != nil {
		s.rewardsFailed(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/rewards#reward-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// handleBuyCoupon spends points on a coupon. The form's one-time key makes
// a double submit buy once; the second answer says so.
func (s *Server) handleBuyCoupon(w http.ResponseWriter, r *http.Request) {
	v, ok := s.signedIn(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if _, err := s.svc.BuyCoupon(r.Context(), v.Participant, r.PostForm.Get("key")); err != nil {
		s.rewardsFailed(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/rewards", http.StatusSeeOther)
}

// rewardsFailed shows a refused redeem or purchase as a message on the
// rewards page; anything else is the error page.
func (s *Server) rewardsFailed(w http.ResponseWriter, r *http.Request, v viewer, err error) {
	switch code := referralhub.ErrorCode(err); code {
	case referralhub.EINVALID, referralhub.ECONFLICT, referralhub.ETOOMANY:
		s.renderRewards(w, r, v, statusFor(code), referralhub.ErrorMessage(err))
	default:
		s.renderError(w, r, err)
	}
}

// signedIn returns the viewer of a signed-in-only page. Visitors are sent
// to the login page; ok is false when the response is already written.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (viewer, bool) {
	v, ok, err := s.currentViewer(r)
	if err != nil {
		s.renderError(w, r, err)
		return v, false
	}
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	}
	return v, ok
}

// balanceCard is one balance at the top of the rewards page.
type balanceCard struct {
	ID      string // element id, e.g. "balance-points"
	Label   string
	Value   string
	Pending string // "" when nothing is on hold
	Note    string // what the balance is worth or is for; "" for none
}

// balanceCards lists points first (even at zero), then credit per
// currency and trial days. Coupons are listed one by one instead.
func balanceCards(page core.RewardsPage) []balanceCard {
	cards := []balanceCard{{ID: "balance-points", Label: "Points", Value: strconv.FormatInt(page.Points, 10), Note: pointsNote(page)}}
	for _, b := range page.Balances {
		switch b.Kind {
		case referralhub.KindPoints:
			cards[0].Pending = pendingOf(b.Pending, strconv.FormatInt(b.Pending, 10))
		case referralhub.KindCredit:
			cards = append(cards, balanceCard{ID: "balance-credit-" + b.Currency, Label: "Credit",
				Value: core.FormatMoney(b.Available, b.Currency), Pending: pendingOf(b.Pending, core.FormatMoney(b.Pending, b.Currency))})
		case referralhub.KindTrialDays:
			cards = append(cards, balanceCard{ID: "balance-trial-days", Label: "Trial days",
				Value: strconv.FormatInt(b.Available, 10), Pending: pendingOf(b.Pending, strconv.FormatInt(b.Pending, 10))})
		}
	}
	return cards
}

// pointsNote says what points are worth: a coupon's value when the
// program swaps them for coupons, or plainly that they are a score.
func pointsNote(page core.RewardsPage) string {
	p := page.Program
	if p.PointsPerCoupon > 0 && page.Stripe {
		return strconv.FormatInt(p.PointsPerCoupon, 10) + " points buy a " + core.FormatMoney(p.CouponValue, p.CouponCurrency) + " coupon"
	}
	return "A score of your referrals: points cannot be swapped for money or coupons"
}

func pendingOf(n int64, shown string) string {
	if n == 0 {
		return ""
	}
	return shown + " on hold"
}

// rewardRow is one ledger entry as the rewards page lists it.
type rewardRow struct {
	ID        int64
	Reason    string
	What      string // "10 points", "−10 points" for a spend or clawback
	Status    string // for people: "On hold", "Available", "Paid out"...
	State     string // the raw status, for styling
	Dates     []string
	CanRedeem bool
	Preparing string // "Preparing your code…" while Stripe is asked
	PromoCode string
}

func rewardRows(rewards []referralhub.Reward) []rewardRow {
	rows := make([]rewardRow, len(rewards))
	for i, r := range rewards {
		rows[i] = rewardRow{ID: r.ID, Reason: r.Reason, What: core.DescribeReward(r), Status: statusLabel(r), State: r.Status,
			Dates: rewardDates(r), CanRedeem: canRedeem(r), Preparing: preparing(r), PromoCode: r.PromoCode}
		if r.Amount < 0 {
			rows[i].What = "−" + rows[i].What
		}
	}
	return rows
}

func statusLabel(r referralhub.Reward) string {
	switch {
	case r.Entry == referralhub.EntryClawback:
		return "Taken back"
	case r.Entry == referralhub.EntryAdjustment:
		return "Adjusted"
	case r.Amount < 0:
		return "Spent"
	}
	switch r.Status {
	case referralhub.StatusPending:
		return "On hold"
	case referralhub.StatusApproved:
		return "Available"
	case referralhub.StatusRedeemed:
		return "Redeemed"
	case referralhub.StatusFulfilled:
		return "Paid out"
	case referralhub.StatusReversed:
		return "Reversed"
	case referralhub.StatusCancelled:
		return "Cancelled"
	}
	return r.Status
}

// rewardDates lists the dates that matter for an entry, oldest first.
func rewardDates(r referralhub.Reward) []string {
	if r.Amount < 0 {
		return []string{formatDate(r.CreditedAt)}
	}
	dates := []string{"Credited " + formatDate(r.CreditedAt)}
	add := func(label string, t time.Time) {
		if !t.IsZero() {
			dates = append(dates, label+" "+formatDate(t))
		}
	}
	if r.Status == referralhub.StatusPending {
		add("Available from", r.HoldUntil)
	} else if !r.HoldUntil.IsZero() {
		add("Available since", r.ApprovedAt)
	}
	add("Redeemed", r.RedeemedAt)
	add("Paid out", r.FulfilledAt)
	add("Reversed", r.ReversedAt)
	add("Cancelled", r.CancelledAt)
	return dates
}

// canRedeem says whether the entry gets a Redeem button: an available
// coupon, credit or trial days not yet asked for. The core decides whether
// the redeem can go through.
func canRedeem(r referralhub.Reward) bool {
	usable := r.Kind == referralhub.KindCoupon || r.Kind == referralhub.KindCredit || r.Kind == referralhub.KindTrialDays
	return usable && r.Status == referralhub.StatusApproved && r.RedeemAskedAt.IsZero() &&
		r.Entry != referralhub.EntryClawback && r.Amount >= 0
}

// preparing is what an entry shows while its payout runs as a job.
func preparing(r referralhub.Reward) string {
	if r.Status != referralhub.StatusApproved || r.RedeemAskedAt.IsZero() || r.Amount < 0 {
		return ""
	}
	if r.Kind == referralhub.KindCredit {
		return "Adding the credit to your account…"
	}
	return "Preparing your code…"
}

// earnSentences says in plain words what each rule of the program earns,
// for "How to earn more": "Invite a friend: you get 10 points when they
// sign up."
func earnSentences(p referralhub.Program) []string {
	out := make([]string, 0, len(p.Rules))
	for _, rule := range p.Rules {
		if s := earnSentence(rule, p.Hold); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// earnSentence describes one rule; hold is the program's, for rules
// without their own.
func earnSentence(rule referralhub.Rule, hold time.Duration) string {
	when := triggerPhrase(rule)
	friend, own := "a friend", ownPlanPhrase(rule)
	if rule.Segment != "" && own == "" {
		friend += " on the " + rule.Segment + " plan"
	}
	var s string
	switch you, them := rule.Referrer, rule.Referee; {
	case you != nil && them != nil && *you == *them:
		s = fmt.Sprintf("Give %s, get %s: you and %s each get %s %s", shortSpec(*them), shortSpec(*you),
			strings.Replace(friend, "a friend", "your friend", 1), specPhrase(*you), when)
	case you != nil && them != nil:
		s = fmt.Sprintf("Give %s, get %s: you get %s and %s gets %s %s", shortSpec(*them), shortSpec(*you),
			specPhrase(*you), strings.Replace(friend, "a friend", "your friend", 1), specPhrase(*them), when)
	case you != nil:
		s = fmt.Sprintf("Invite %s: you get %s %s", friend, specPhrase(*you), when)
	case them != nil:
		s, own = fmt.Sprintf("%s get %s %s", friendsNoun(rule.Segment), specPhrase(*them), when), ""
	default:
		return ""
	}
	s += own
	if rule.Referrer != nil {
		s += capPhrase(rule, *rule.Referrer)
	}
	if rule.Hold != nil {
		hold = *rule.Hold
	}
	if hold > 0 {
		s += ", after a " + holdPhrase(hold) + " hold"
	}
	return s + "."
}

// ownPlanPhrase says which plan a rule segmented by each beneficiary's
// own plan asks of them: ", while you are on the free plan" ("" for other
// rules). Only the friend's side: their own plan is the friend's plan.
func ownPlanPhrase(rule referralhub.Rule) string {
	if rule.Segment == "" || rule.SegmentOf != referralhub.SegmentBeneficiary {
		return ""
	}
	if rule.Referee != nil && rule.Referrer != nil {
		return ", each of you while on the " + rule.Segment + " plan"
	}
	return ", while you are on the " + rule.Segment + " plan"
}

func friendsNoun(segment string) string {
	if segment == "" {
		return "Your friends"
	}
	return "Friends on the " + segment + " plan"
}

// triggerPhrase says when a rule pays: "when they sign up", "on their
// first purchase of $50.00 or more".
func triggerPhrase(rule referralhub.Rule) string {
	var s string
	switch rule.Trigger {
	case referralhub.EventSignup:
		return "when they sign up"
	case referralhub.EventEmailVerified:
		return "when they verify their email address"
	case referralhub.EventPurchase:
		s = "on every purchase"
		if rule.FirstOnly {
			s = "on their first purchase"
		}
	default:
		return "when they complete “" + rule.Trigger + "”"
	}
	if rule.MinAmount > 0 {
		s += " of " + core.FormatMoney(rule.MinAmount, rule.MinCurrency) + " or more"
	}
	return s
}

// specPhrase is what a side gets, in a sentence: "10 points", "$10.00
// credit", "a 20% off coupon", "14 trial days".
func specPhrase(spec referralhub.RewardSpec) string {
	d := core.DescribeReward(specReward(spec))
	if spec.Kind == referralhub.KindCoupon {
		return article(d) + " " + d
	}
	return d
}

// shortSpec is a spec in a headline: "$10", "20% off", "10 points".
func shortSpec(spec referralhub.RewardSpec) string {
	switch spec.Kind {
	case referralhub.KindCredit:
		return shortMoney(spec.Amount, spec.Currency)
	case referralhub.KindCoupon:
		if spec.PercentOff > 0 {
			return strconv.FormatInt(spec.PercentOff, 10) + "% off"
		}
		return shortMoney(spec.Amount, spec.Currency) + " off"
	}
	return core.DescribeReward(specReward(spec))
}

func specReward(spec referralhub.RewardSpec) referralhub.Reward {
	return referralhub.Reward{Kind: spec.Kind, Amount: spec.Amount, Currency: spec.Currency, PercentOff: spec.PercentOff}
}

// shortMoney drops zero cents: "$10", "$10.50".
func shortMoney(minor int64, currency string) string {
	return strings.Replace(core.FormatMoney(minor, currency), ".00", "", 1)
}

// article is "an" before a number said with a vowel sound (8, 11, 18, 80…)
// and "a" otherwise.
func article(phrase string) string {
	n := phrase[:len(phrase)-len(strings.TrimLeft(phrase, "0123456789"))]
	if strings.HasPrefix(n, "8") || n == "11" || n == "18" {
		return "an"
	}
	return "a"
}

// capPhrase says a rule's limits for the referrer: ", up to 32 times",
// ", up to $100.00 credit a month".
func capPhrase(rule referralhub.Rule, spec referralhub.RewardSpec) string {
	per := ""
	switch rule.CapPeriod {
	case referralhub.PeriodDay:
		per = " a day"
	case referralhub.PeriodMonth:
		per = " a month"
	}
	var parts []string
	switch {
	case rule.CapCount == 1:
		parts = append(parts, "once"+per)
	case rule.CapCount > 1:
		parts = append(parts, "up to "+strconv.FormatInt(rule.CapCount, 10)+" times"+per)
	}
	if rule.CapValue > 0 {
		worth := core.DescribeReward(referralhub.Reward{Kind: spec.Kind, Amount: rule.CapValue, Currency: spec.Currency})
		if spec.Kind == referralhub.KindCoupon {
			worth = core.FormatMoney(rule.CapValue, spec.Currency) + " in coupons"
		}
		if per == "" {
			per = " in all"
		}
		parts = append(parts, "up to "+worth+per)
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, " and ")
}

// holdPhrase writes a hold as "14-day" or, below whole days, "12-hour".
func holdPhrase(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "-day"
	}
	return strconv.FormatInt(int64((d+time.Hour-1)/time.Hour), 10) + "-hour"
}
