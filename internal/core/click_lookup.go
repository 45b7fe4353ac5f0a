package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
)

// APIClick is a click on a referral link as a host's product may see it:
// which code, whose, when, whether a bot made it, and until when it can
// still attribute a signup.
type APIClick struct {
	ID            string
	Code          string
	ParticipantID int64
	Bot           bool
	CreatedAt     time.Time
	ExpiresAt     time.Time // the end of the program's attribution window
}

// ClickByID returns a click by id, so a host's landing page can resolve the
// click id it received; ENOTFOUND when there is none. A click still in
// the in-process buffer is written first.
func (s *Service) ClickByID(ctx context.Context, id string) (APIClick, error) {
	c, err := s.findClick(ctx, id)
	if err != nil {
		return APIClick{}, err
	}
	return APIClick{ID: c.ID, Code: c.Code, ParticipantID: c.ParticipantID, Bot: c.Bot, CreatedAt: c.CreatedAt,
		ExpiresAt: c.CreatedAt.Add(s.attributionWindow(ctx))}, nil
}

// findClick looks a click up; when it is not stored yet it flushes the
// click buffer (which writes within about a second anyway) and looks once
// more.
func (s *Service) findClick(ctx context.Context, id string) (referralhub.Click, error) {
	if !clicks.ValidID(id) {
		return referralhub.Click{}, referralhub.Errorf(referralhub.ENOTFOUND, "No click has that id.")
	}
	c, err := s.db.Read().ClickByID(ctx, id)
	if referralhub.ErrorCode(err) != referralhub.ENOTFOUND || s.clicks == nil {
		return c, err
	}
	if err := s.clicks.Flush(ctx); err != nil {
		return c, err
	}
	return s.db.Read().ClickByID(ctx, id)
}

// apiAttribution is who referred a participant created through the API,
// and through which click.
type apiAttribution struct {
	owner referralhub.CodeOwner
	click Attribution
}

// apiReferrer resolves the referrer of a new participant under the hosted
// signup's rules: the click must exist, come from a person and be within
// the attribution window; the code (the click's, or the one given, which
// must then agree) must belong to a participant who is not banned. No
// code and no click is an organic signup. Unlike the hosted signup, which
// ignores a bad attribution, the API refuses it, so the host hears of it.
func (s *Service) apiReferrer(ctx context.Context, rawCode, clickID string) (apiAttribution, error) {
	var a apiAttribution
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
		a.click, rawCode, field = Attribution{Code: c.Code, ClickID: c.ID, At: c.CreatedAt}, c.Code, "click_id"
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
