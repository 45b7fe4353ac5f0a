package core

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/webhook"
)

// Participants created through the API: a host's product signs its own
// users up and names them by its own ids. They have no login here.
const (
	// ExternalPrefix marks a reference to a participant by external id:
	// "ext:user_42" instead of the numeric id.
	ExternalPrefix = "ext:"
	maxExternalID  = 255
	maxNameLen     = 200
)

// ParticipantInput is what an upsert of a participant carries. On an
// existing participant a nil field is left as it is and an empty one is
// cleared; the referrer is only ever set when the participant is created.
type ParticipantInput struct {
	ExternalID   string
	Email        *string
	Name         *string
	Plan         *string // PlanFree or PlanPaid
	ReferralCode string  // the referrer, by their code...
	ClickID      string  // ...or by a click on their link
	// Campaign enrols the participant in the campaign of this slug; nil
	// leaves a participant where it is (a new one: its referrer's
	// campaign, or the default one).
	Campaign *string
}

// ParticipantCreated is the data of a participant.created webhook.
type ParticipantCreated struct {
	ID           int64     `json:"id"`
	ExternalID   string    `json:"external_id"` // "" for a hosted sign-up
	Code         string    `json:"code"`
	ReferralLink string    `json:"referral_link"`
	Plan         string    `json:"plan"`
	ReferredBy   *int64    `json:"referred_by"` // the referrer's participant id, null for none
	CreatedAt    time.Time `json:"created_at"`
}

// UpsertParticipant creates the participant with in.ExternalID, or
// updates its email, name and plan. A new participant gets a code, is
// attributed to its referrer under the hosted signup's rules (a known
// code, or a human click within the attribution window), has its referral
// scored for risk by its email, and records its signup so the program's
// rules reward it, all in one transaction. created reports which happened.
func (s *Service) UpsertParticipant(ctx context.Context, in ParticipantInput) (p ParticipantSummary, created bool, err error) {
	in.Email, in.Name = trimmed(in.Email), trimmed(in.Name)
	if err := checkParticipantInput(in); err != nil {
		return p, false, err
	}
	id, err := s.db.Read().ParticipantIDByExternal(ctx, in.ExternalID)
	if err != nil && referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
		return p, false, err
	}
	var ref externalAttribution
	if id == 0 { // an update keeps the referrer it has: nobody is referred twice
		if ref, err = s.externalReferrer(ctx, in.ReferralCode, in.ClickID); err != nil {
			return p, false, err
		}
	}
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		id, created, err = s.upsertParticipant(ctx, q, in, ref)
		return err
	})
	if err != nil {
		return p, false, err
	}
	if created {
		if ref.owner.ParticipantID != 0 {
			s.active.Forget(ref.owner.ParticipantID)
		}
		s.jobsQueued()
		s.log.InfoContext(ctx, "api participant created", "participant_id", id, "referred", ref.owner.ParticipantID != 0)
	}
	p, err = s.participantSummary(ctx, id)
	return p, created, err
}

// upsertParticipant inserts the participant, redrawing a taken code, or
// updates the one with its external id. Call it inside InTx.
func (s *Service) upsertParticipant(ctx context.Context, q *storage.Queries, in ParticipantInput, ref externalAttribution) (int64, bool, error) {
	now := s.now()
	p := referralhub.ParticipantDetails{ExternalID: in.ExternalID, Email: deref(in.Email), Name: deref(in.Name)}
	p.Plan, p.CreatedAt, p.LastSeenAt = referralhub.PlanFree, now, now
	if in.Plan != nil {
		p.Plan = *in.Plan
	}
	for range codeAttempts {
		code, err := s.drawCode(ctx, q)
		if err != nil {
			return 0, false, err
		}
		p.Code = code
		inserted, err := q.InsertAPIParticipant(ctx, &p)
		if err != nil {
			return 0, false, err
		}
		if inserted {
			if err := s.startExternalParticipant(ctx, q, p, ref); err != nil {
				return 0, false, err
			}
			return p.ID, true, s.enrolAsAsked(ctx, q, p.ID, in.Campaign)
		}
		id, err := q.ParticipantIDByExternal(ctx, in.ExternalID)
		if err == nil {
			if err := s.updateAPIParticipant(ctx, q, id, in); err != nil {
				return 0, false, err
			}
			return id, false, s.enrolAsAsked(ctx, q, id, in.Campaign)
		}
		if referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			return 0, false, err
		}
	}
	return 0, false, fmt.Errorf("no free referral code after %d draws", codeAttempts)
}

// startExternalParticipant records a new participant's referral and signup
// through the hosted signup's machinery, and tells the webhooks.
func (s *Service) startExternalParticipant(ctx context.Context, q *storage.Queries, p referralhub.ParticipantDetails, ref externalAttribution) error {
	if ref.owner.ParticipantID == p.ID {
		ref = externalAttribution{} // never one's own referrer
	}
	// participant.created goes first, as for a hosted signup: receivers
	// hear of the participant before of their referral and rewards.
	data := ParticipantCreated{ID: p.ID, ExternalID: p.ExternalID, Code: p.Code, ReferralLink: s.referralLink(p.Code),
		Plan: p.Plan, CreatedAt: p.CreatedAt.UTC()}
	if id := ref.owner.ParticipantID; id != 0 {
		banned, err := q.Banned(ctx, id) // a banned referrer refers nobody
		if err != nil {
			return err
		}
		if !banned {
			data.ReferredBy = &id
		}
	}
	if err := s.emit(ctx, q, webhook.ParticipantCreated, p.ID, data); err != nil {
		return err
	}
	if err := s.noteJoined(ctx, q, p.ID, p.Email, p.CreatedAt); err != nil {
		return err
	}
	return s.startRewards(ctx, q, referralhub.User{}, p.Participant, ref.owner, ref.click, riskInput{email: p.Email})
}

func checkParticipantInput(in ParticipantInput) error {
	fe := referralhub.FieldErrors{}
	if !validExternalID(in.ExternalID) {
		fe.Add("external_id", fmt.Sprintf("Give the participant's id in your product: 1 to %d characters on one line.", maxExternalID))
	}
	if in.Email != nil && *in.Email != "" {
		if msg := checkEmail(*in.Email); msg != "" {
			fe.Add("email", msg)
		}
	}
	if in.Name != nil && (len(*in.Name) > maxNameLen || !isLine(*in.Name)) {
		fe.Add("name", fmt.Sprintf("Names are up to %d characters on one line.", maxNameLen))
	}
	if in.Plan != nil && *in.Plan != referralhub.PlanFree && *in.Plan != referralhub.PlanPaid {
		fe.Add("plan", "The plan is free or paid.")
	}
	if in.ReferralCode != "" && NormalizeCode(in.ReferralCode) == "" {
		fe.Add("referral_code", "Referral codes are 8 letters and digits.")
	}
	if in.ClickID != "" && !clicks.ValidID(in.ClickID) {
		fe.Add("click_id", "Click ids are 26 letters and digits, as the referral link made them.")
	}
	return fe.Err()
}

func validExternalID(id string) bool { return id != "" && len(id) <= maxExternalID && isLine(id) }

func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// updateAPIParticipant updates a participant made through the API, and
// its identity email with its address.
func (s *Service) updateAPIParticipant(ctx context.Context, q *storage.Queries, id int64, in ParticipantInput) error {
	if err := q.UpdateAPIParticipant(ctx, id, in.Email, in.Name, in.Plan); err != nil || in.Email == nil {
		return err
	}
	return s.noteParticipantEmail(ctx, q, id, *in.Email)
}
