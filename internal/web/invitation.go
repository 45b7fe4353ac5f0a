package web

import (
	"fmt"
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// invitationView is the welcome the signup page gives a friend who
// followed a referral link, or what went wrong with the link.
type invitationView struct {
	InvitedBy   string // who invited them (their username); "" for nobody
	Product     string
	Offer       string       // what they get, from the program's rules
	Expired     bool         // the invitation is older than the attribution window
	LinkUnknown bool         // the link they followed leads nowhere
	preview     *previewMeta // the link's tags, for the page's head
}

// invitation reads the visitor's attribution cookie and the link=unknown
// mark that an unknown referral link leaves on its way to /signup.
func (s *Server) invitation(r *http.Request, cookie string) invitationView {
	ctx := r.Context()
	inv := s.svc.InvitationOf(ctx, cookie)
	v := invitationView{InvitedBy: inv.Referrer.Username, Expired: inv.Expired,
		LinkUnknown: r.URL.Query().Get("link") == "unknown"}
	if v.InvitedBy == "" || v.Expired {
		return v
	}
	meta, card := s.linkPreview(ctx, inv.Referrer)
	v.Product, v.Offer, v.preview = card.Product, card.Offer, &meta
	return v
}

// friendOffer says what a referred friend gets, in words from the first
// rule of the program that rewards them: "Sign up and you both get $10."
func friendOffer(p referralhub.Program, referrer string) string {
	for _, rule := range p.Rules {
		if rule.Referee != nil {
			return offerSentence(rule, referrer)
		}
	}
	return "Sign up to join " + referrer + "."
}

// offerSentence is one rule seen from the friend's side.
func offerSentence(rule referralhub.Rule, referrer string) string {
	lead, when := "Sign up and", ""
	if rule.Trigger != referralhub.EventSignup {
		lead, when = "Sign up:", " "+friendTrigger(rule)
	}
	if rule.Segment != "" {
		when += " on the " + rule.Segment + " plan"
	}
	them := shortSpec(*rule.Referee)
	switch you := rule.Referrer; {
	case you != nil && *you == *rule.Referee:
		return fmt.Sprintf("%s you both get %s%s.", lead, them, when)
	case you != nil:
		return fmt.Sprintf("%s you get %s%s, and %s gets %s.", lead, them, when, referrer, shortSpec(*you))
	}
	return fmt.Sprintf("%s you get %s%s.", lead, them, when)
}

// friendTrigger says when a rule pays, to the friend: "when you verify
// your email address", "on your first purchase of $50.00 or more".
func friendTrigger(rule referralhub.Rule) string {
	var s string
	switch rule.Trigger {
	case referralhub.EventEmailVerified:
		return "when you verify your email address"
	case referralhub.EventPurchase:
		s = "on every purchase"
		if rule.FirstOnly {
			s = "on your first purchase"
		}
	default:
		return "when you complete “" + rule.Trigger + "”"
	}
	if rule.MinAmount > 0 {
		s += " of " + core.FormatMoney(rule.MinAmount, rule.MinCurrency) + " or more"
	}
	return s
}
