package core

import (
	"context"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// InvitesShown is how many of a participant's invites the dashboard lists.
const InvitesShown = 50

// inviteClickTimeout bounds the write a click on an invite's link makes,
// so a busy database never holds the redirect for long.
const inviteClickTimeout = 500 * time.Millisecond

// NoteInviteClick marks the invite whose link carries token clicked, the
// first time. The click handler calls it only for a human click on a link
// that has ?i=, so it costs the hot path nothing otherwise; an unknown or
// malformed token changes nothing.
func (s *Service) NoteInviteClick(ctx context.Context, token string) error {
	if !ValidDeviceID(token) { // invite tokens have the device ids' shape: 26 of a-z2-7
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, inviteClickTimeout)
	defer cancel()
	return s.db.Write().MarkInviteClicked(ctx, token, s.now())
}

// Invites lists participant p's newest invites, for the dashboard.
func (s *Service) Invites(ctx context.Context, p referralhub.Participant) ([]referralhub.Invite, error) {
	return s.db.Read().InvitesOf(ctx, p.ID, InvitesShown)
}

// InviteSettings returns the program's invite settings.
func (s *Service) InviteSettings(ctx context.Context) referralhub.InviteSettings {
	prog, err := s.Program(ctx)
	if err != nil {
		return referralhub.Program{}.InvitesOrDefault()
	}
	return prog.InvitesOrDefault()
}

// noteParticipantEmail keeps a participant's identity email, in the
// transaction that gives them their address.
func (s *Service) noteParticipantEmail(ctx context.Context, q *storage.Queries, participantID int64, email string) error {
	return q.SetIdentityEmail(ctx, participantID, IdentityEmail(email))
}

// noteJoined is noteParticipantEmail for a new participant: every invite
// mailed to their address has joined.
func (s *Service) noteJoined(ctx context.Context, q *storage.Queries, participantID int64, email string, now time.Time) error {
	if err := s.noteParticipantEmail(ctx, q, participantID, email); err != nil {
		return err
	}
	if identity := IdentityEmail(email); identity != "" {
		return q.MarkInvitesJoined(ctx, identity, now)
	}
	return nil
}

// identityBatch is how many participants one pass of FillIdentityEmails
// fills in per transaction.
const identityBatch = 500

// FillIdentityEmails fills in the identity email of participants made
// before it was kept, in batches, and returns how many it filled.
func (s *Service) FillIdentityEmails(ctx context.Context) (int64, error) {
	var total int64
	for {
		var n int
		err := s.db.InTx(ctx, func(q *storage.Queries) error {
			rows, err := q.ParticipantsWithoutIdentity(ctx, identityBatch)
			n = len(rows)
			for _, r := range rows {
				if err == nil {
					err = s.noteParticipantEmail(ctx, q, r.ID, r.Email)
				}
			}
			return err
		})
		total += int64(n)
		if err != nil || n < identityBatch {
			return total, err
		}
	}
}

// inviteSignals flag a referral whose referrer sent a burst of invites
// within the last InviteQuiet.
func (s *Service) inviteSignals(ctx context.Context, q *storage.Queries, _ referralhub.FraudSettings, referrerID int64,
	_ riskInput, now time.Time) ([]referralhub.Signal, error) {
	burst, err := q.InviteBurstSince(ctx, referrerID, now.Add(-InviteQuiet))
	if err != nil || !burst {
		return nil, err
	}
	return []referralhub.Signal{{Code: SignalInviteBurst, Weight: weightVelocity,
		Reason: "The referrer sent more than 10 email invitations within an hour in the last 30 days."}}, nil
}

// noteUserEmail is noteParticipantEmail for a user's new address.
func (s *Service) noteUserEmail(ctx context.Context, q *storage.Queries, userID int64, email string) error {
	to, err := q.RecipientByUser(ctx, userID)
	if err != nil {
		return err
	}
	return s.noteParticipantEmail(ctx, q, to.ParticipantID, email)
}
