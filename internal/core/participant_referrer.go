package core

import (
	"context"

	"github.com/referralhub/referralhub"
)

// externalAttribution is who referred a participant a host's product
// created, and through which click.
type externalAttribution struct {
	owner referralhub.CodeOwner
	click Attribution
}

// externalReferrer resolves the referrer of a new participant under the hosted
// signup's rules: the click must exist, come from a person and be within
// the attribution window; the code (the click's, or the one given, which
// must then agree) must belong to a participant who is not banned. No
// code and no click is an organic signup. Unlike the hosted signup, which
// ignores a bad attribution, the API refuses it, so the host hears of it.
func (s *Service) externalReferrer(ctx context.Context, rawCode, clickID string) (externalAttribution, error) {
	var a externalAttribution
	field := "referral_code"
	if clickID != "" {
		c, err := s.findClick(ctx, clickID)
		if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
			return a, invalidField("click_id", "No click has that id.")
		}
		if err != nil {
			return a, err
		}
		if err := s.checkClick(ctx, c, rawCode); err != nil {
			return a, err
		}
		a.click, rawCode, field = Attribution{Code: c.Code, ClickID: c.ID, At: c.CreatedAt, Channel: c.Channel}, c.Code, "click_id"
	}
	if rawCode == "" {
		return a, nil
	}
	code := NormalizeCode(rawCode)
	owner, found, err := s.codes.Lookup(ctx, code)
	if err != nil {
		return a, err
	}
	if !found {
		return a, invalidField(field, "No participant has that referral code.")
	}
	a.owner, a.click.Code = owner, code
	return a, nil
}

// checkClick refuses a click that cannot attribute a signup.
func (s *Service) checkClick(ctx context.Context, c referralhub.Click, rawCode string) error {
	switch {
	case c.Bot:
		return invalidField("click_id", "That click came from a bot or a link preview, which refers nobody.")
	case s.now().Sub(c.CreatedAt) > s.attributionWindow(ctx):
		return invalidField("click_id", "That click is older than the program's attribution window.")
	case rawCode != "" && NormalizeCode(rawCode) != c.Code:
		return invalidField("referral_code", "The referral code is not the one the click was on.")
	}
	return nil
}

// invalidField is an EINVALID error about one field.
func invalidField(field, msg string) error {
	return &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}
