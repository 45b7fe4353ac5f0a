package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
)

// ClickDetails is a click on a referral link as a host's product may see
// it: which code, whose, when, whether a bot made it, and until when it
// can still attribute a signup.
type ClickDetails struct {
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
func (s *Service) ClickByID(ctx context.Context, id string) (ClickDetails, error) {
	c, err := s.findClick(ctx, id)
	if err != nil {
		return ClickDetails{}, err
	}
	return ClickDetails{ID: c.ID, Code: c.Code, ParticipantID: c.ParticipantID, Bot: c.Bot, CreatedAt: c.CreatedAt,
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
