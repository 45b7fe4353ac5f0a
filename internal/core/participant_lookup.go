package core

import (
	"context"
	"strconv"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// ParticipantSummary is a participant with its link and what it holds.
type ParticipantSummary struct {
	referralhub.ParticipantDetails
	Link     string
	Campaign string // the slug of the campaign it is enrolled in
	Points   int64  // available points
	Balances []referralhub.Balance
	// Experiment is the participant's arm in their campaign's running
	// experiment (recorded by this first look); a holdout is shown no
	// referral prompt.
	Experiment Exposure
}

// ParticipantByLogin finds the participant of the user with this email or
// username, for the command line; ENOTFOUND when there is none.
func (s *Service) ParticipantByLogin(ctx context.Context, login string) (int64, error) {
	q := s.db.Read()
	u, _, err := q.UserForLogin(ctx, NormalizeEmail(login))
	if err != nil {
		return 0, referralhub.Errorf(referralhub.ENOTFOUND, "No user has the login %q.", login)
	}
	to, err := q.RecipientByUser(ctx, u.ID)
	return to.ParticipantID, err
}

// participantID resolves a reference (see Participant) to an id, which may
// be of a deleted participant or of none: the caller reads the participant
// by it (RecordEvent with a ParticipantRef, in its transaction).
func (s *Service) participantID(ctx context.Context, q *storage.Queries, ref string) (int64, error) {
	if ext, ok := strings.CutPrefix(ref, ExternalPrefix); ok {
		if !validExternalID(ext) {
			return 0, referralhub.Errorf(referralhub.ENOTFOUND, "No participant has that external id.")
		}
		return q.ParticipantIDByExternal(ctx, ext)
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 || ref[0] == '+' {
		return 0, referralhub.Errorf(referralhub.ENOTFOUND, "No participant has that id.")
	}
	return id, nil
}

// Participant returns a participant by reference: its numeric id, or
// ExternalPrefix and its external id. ENOTFOUND when there is none.
func (s *Service) Participant(ctx context.Context, ref string) (ParticipantSummary, error) {
	p, err := s.lookupParticipant(ctx, ref)
	if err != nil {
		return ParticipantSummary{}, err
	}
	return s.participantSummary(ctx, p.ID)
}

// lookupParticipant resolves a reference (see Participant).
func (s *Service) lookupParticipant(ctx context.Context, ref string) (referralhub.ParticipantDetails, error) {
	q := s.db.Read()
	id, err := s.participantID(ctx, q, ref)
	if err != nil {
		return referralhub.ParticipantDetails{}, err
	}
	return q.APIParticipantByID(ctx, id)
}

// participantSummary loads a participant with its link and balances.
func (s *Service) participantSummary(ctx context.Context, id int64) (ParticipantSummary, error) {
	q := s.db.Read()
	row, err := q.APIParticipantByID(ctx, id)
	if err != nil {
		return ParticipantSummary{}, err
	}
	p := ParticipantSummary{ParticipantDetails: row, Link: s.referralLink(row.Code)}
	if p.Campaign, err = participantCampaignSlug(ctx, q, id); err != nil {
		return ParticipantSummary{}, err
	}
	if p.Balances, err = q.Balances(ctx, id); err != nil {
		return ParticipantSummary{}, err
	}
	p.Points = pointsOf(p.Balances)
	if p.Experiment, err = s.ParticipantExposure(ctx, id); err != nil {
		return ParticipantSummary{}, err
	}
	return p, nil
}

// referralLink is the link a participant shares.
func (s *Service) referralLink(code string) string { return s.baseURL + "/r/" + code }
