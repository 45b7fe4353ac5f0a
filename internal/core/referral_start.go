package core

import (
	"context"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Referrer returns who referred a visitor holding the attribution cookie
// value, for "Referred by" on the signup page; ok is false when nobody did.
func (s *Service) Referrer(ctx context.Context, cookie string) (referralhub.CodeOwner, bool) {
	owner, _ := s.referrerFor(ctx, cookie)
	return owner, owner.ParticipantID != 0
}

// referrerFor verifies an attribution cookie and resolves its code. A bad,
// expired or unknown attribution yields the zero owner: an organic signup.
func (s *Service) referrerFor(ctx context.Context, cookie string) (referralhub.CodeOwner, Attribution) {
	if cookie == "" {
		return referralhub.CodeOwner{}, Attribution{}
	}
	a, ok := s.VerifyAttribution(ctx, cookie)
	if !ok {
		return referralhub.CodeOwner{}, Attribution{}
	}
	owner, found, err := s.codes.Lookup(ctx, a.Code)
	if err != nil || !found {
		return referralhub.CodeOwner{}, Attribution{}
	}
	return owner, a
}

// startRewards records a new participant's referral and its click and
// signup events, lets the rules reward them, and queues the verification
// mail and the referrer's "new referral" mail, inside the signup's
// transaction.
func (s *Service) startRewards(ctx context.Context, q *storage.Queries, u referralhub.User, p referralhub.Participant,
	referrer referralhub.CodeOwner, click Attribution, risk riskInput) error {
	now := s.now()
	if u.ID != 0 { // API participants have no login and verify through their host
		if err := s.enqueue(ctx, q, JobMail, "", now, jobPayload{Mail: mailVerify, UserID: u.ID}); err != nil {
			return err
		}
	}
	var referralID int64
	if referrer.ParticipantID != 0 {
		var err error
		if referralID, err = s.startReferral(ctx, q, p, referrer.ParticipantID, click, risk, now); err != nil {
			return err
		}
	}
	if err := s.recordOrganicSignup(ctx, q, p, now); err != nil || referralID == 0 {
		return err
	}
	return s.settleReferral(ctx, q, referralID, now)
}

// startReferral records that referrerID referred the new participant p:
// the referral, scored for risk, its webhook, its click event and the
// referrer's mail. It returns 0 when the referrer is banned: p then joins
// as an organic signup.
func (s *Service) startReferral(ctx context.Context, q *storage.Queries, p referralhub.Participant, referrerID int64,
	click Attribution, risk riskInput, now time.Time) (int64, error) {
	// Signups of one referrer run one at a time, so velocity counts see
	// each other; a referrer banned since their code was cached refers
	// nobody.
	if err := q.LockParticipant(ctx, referrerID); err != nil {
		return 0, err
	}
	if banned, err := q.Banned(ctx, referrerID); err != nil || banned {
		return 0, err
	}
	if in, err := s.joinReferrerCampaign(ctx, q, p.ID, referrerID, click, now); err != nil || !in {
		return 0, err
	}
	r, err := s.createScoredReferral(ctx, q, p.ID, referrerID, click, risk, now)
	if err != nil {
		return 0, err
	}
	if err := s.recordReferralClick(ctx, q, p.ID, click); err != nil {
		return 0, err
	}
	return r.ID, s.mailNewReferral(ctx, q, referrerID, r.ID, now)
}

// createScoredReferral scores a new referral for risk under the program's
// fraud settings, stores it and emits its webhook.
func (s *Service) createScoredReferral(ctx context.Context, q *storage.Queries, refereeID, referrerID int64,
	click Attribution, risk riskInput, now time.Time) (referralhub.Referral, error) {
	prog, err := s.loadProgram(ctx, q)
	if err != nil {
		return referralhub.Referral{}, err
	}
	a, err := s.assess(ctx, q, prog.FraudOrDefault(), referrerID, risk, now)
	if err != nil {
		return referralhub.Referral{}, err
	}
	r := referralhub.Referral{ReferrerID: referrerID, RefereeID: refereeID, ClickID: click.ClickID, Channel: click.Channel, CreatedAt: now,
		RiskScore: a.score, Signals: a.signals, Review: a.review, IPHash: a.ipHash, SubnetHash: a.subnetHash}
	if err := q.CreateReferral(ctx, &r); err != nil {
		return referralhub.Referral{}, err
	}
	if err := s.emitNewReferral(ctx, q, r); err != nil {
		return referralhub.Referral{}, err
	}
	if a.review != referralhub.ReviewClear {
		s.log.InfoContext(ctx, "referral flagged", "referral_id", r.ID, "score", a.score, "review", a.review)
	}
	return r, nil
}

// recordReferralClick records the click that brought a referred
// participant as their click event, when the attribution named one.
func (s *Service) recordReferralClick(ctx context.Context, q *storage.Queries, participantID int64, click Attribution) error {
	if click.ClickID == "" {
		return nil
	}
	ev := referralhub.Event{ParticipantID: participantID, Name: referralhub.EventClick,
		Key: internalKeyPrefix + "click:" + click.ClickID, CreatedAt: click.At}
	_, err := s.recordEvent(ctx, q, &ev)
	return err
}

// mailNewReferral queues the referrer's "new referral" mail, once per
// referral; a referrer with no account to mail is skipped.
func (s *Service) mailNewReferral(ctx context.Context, q *storage.Queries, referrerID, referralID int64, now time.Time) error {
	ref, err := q.RecipientByParticipant(ctx, referrerID)
	if err == nil {
		err = s.enqueue(ctx, q, JobMail, "mail:new_referral:"+strconv.FormatInt(referralID, 10), now,
			jobPayload{Mail: mailNewReferral, UserID: ref.UserID, ReferralID: referralID})
	}
	return ignoreGone(err)
}

// recordOrganicSignup records the signup event (rewarded when the
// participant has a referral).
func (s *Service) recordOrganicSignup(ctx context.Context, q *storage.Queries, p referralhub.Participant, now time.Time) error {
	ev := referralhub.Event{ParticipantID: p.ID, Name: referralhub.EventSignup, Key: internalKeyPrefix + referralhub.EventSignup, CreatedAt: now}
	_, err := s.recordEvent(ctx, q, &ev)
	return err
}

// Invitation is what the signup page tells a visitor about the referral
// link they followed.
type Invitation struct {
	Referrer referralhub.CodeOwner // who invited them; zero when nobody did
	// Expired says the link was followed longer ago than the attribution
	// window: Referrer names who invited them, but a signup now refers
	// nobody.
	Expired bool
}

// InvitationOf reads the attribution cookie for the signup page: who
// invited the visitor, or that their invitation has expired. A bad cookie,
// or one whose code leads nowhere now, is no invitation.
func (s *Service) InvitationOf(ctx context.Context, cookie string) Invitation {
	if cookie == "" {
		return Invitation{}
	}
	a, ok := s.signedAttribution(cookie)
	if !ok {
		return Invitation{}
	}
	owner, found, err := s.codes.Lookup(ctx, a.Code)
	if err != nil || !found {
		return Invitation{}
	}
	return Invitation{Referrer: owner, Expired: !s.inWindow(ctx, a)}
}
