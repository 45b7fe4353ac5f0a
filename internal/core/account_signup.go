package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Session is a login: the token goes in the visitor's cookie, and only its
// hash is stored.
type Session struct {
	Token   string
	Expires time.Time
}

// SignupInput is what a signup form carries.
type SignupInput struct {
	Email       string
	Username    string
	Password    string
	Attribution string // the attribution cookie's value, "" when none
	IsAdmin     bool
	// Seen is where the signup came from (IP, browser, device cookie), for
	// the risk checks; only keyed hashes of it are stored.
	Seen Sighting
	// FormToken is the signup form's SignupFormToken, "" when none.
	FormToken string
}

// codeAttempts is how often a colliding code is redrawn before giving up.
const codeAttempts = 5

// Signup validates in, creates the user, their participant and code, records
// the referral when a valid attribution names an existing code, and starts
// a session, all in one transaction.
func (s *Service) Signup(ctx context.Context, in SignupInput) (referralhub.User, Session, error) {
	return s.signup(ctx, in, true)
}

// CreateUser is Signup without a session, for the command line.
func (s *Service) CreateUser(ctx context.Context, in SignupInput) (referralhub.User, error) {
	u, _, err := s.signup(ctx, in, false)
	return u, err
}

func (s *Service) signup(ctx context.Context, in SignupInput, startSession bool) (referralhub.User, Session, error) {
	in.Email, in.Username = NormalizeEmail(in.Email), NormalizeUsername(in.Username)
	if err := s.validateSignup(ctx, in); err != nil {
		return referralhub.User{}, Session{}, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return referralhub.User{}, Session{}, err
	}
	referrer, click := s.referrerFor(ctx, in.Attribution)
	now := s.now()
	u := referralhub.User{Email: in.Email, Username: in.Username, IsAdmin: in.IsAdmin, CreatedAt: now}
	var sess Session
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		p, err := s.createAccount(ctx, q, &u, hash, now)
		if err != nil {
			return err
		}
		if err := s.emitSignup(ctx, q, p, referrer.ParticipantID); err != nil {
			return err
		}
		risk := riskInput{email: in.Email, seen: in.Seen, clickAt: click.At, formSeenAt: s.formSeenAt(in.FormToken)}
		if err := s.startRewards(ctx, q, u, p, referrer, click, risk); err != nil {
			return err
		}
		if err := s.recordSighting(ctx, q, p.ID, in.Seen, now); err != nil || !startSession {
			return err
		}
		sess, err = s.newSession(ctx, q, u.ID, now)
		return err
	})
	if err != nil {
		return referralhub.User{}, Session{}, err
	}
	if referrer.ParticipantID != 0 {
		s.active.Forget(referrer.ParticipantID)
	}
	s.jobsQueued()
	s.log.InfoContext(ctx, "signup", "user_id", u.ID, "referred", referrer.ParticipantID != 0)
	return u, sess, nil
}

// createAccount stores a new user and their participant; an admin's
// creation is audited.
func (s *Service) createAccount(ctx context.Context, q *storage.Queries, u *referralhub.User, hash string, now time.Time) (referralhub.Participant, error) {
	if err := q.CreateUser(ctx, u, hash); err != nil {
		return referralhub.Participant{}, err
	}
	if u.IsAdmin {
		if err := s.audit(ctx, q, *u, "admin.create", "user "+strconv.FormatInt(u.ID, 10), "created from the command line", now); err != nil {
			return referralhub.Participant{}, err
		}
	}
	return s.createParticipant(ctx, q, u.ID, now)
}

// createParticipant gives a new user a participant with a fresh code,
// redrawing the code on a collision.
func (s *Service) createParticipant(ctx context.Context, q *storage.Queries, userID int64, now time.Time) (referralhub.Participant, error) {
	for range codeAttempts {
		p := referralhub.Participant{UserID: userID, Code: s.newCode(), CreatedAt: now, LastSeenAt: now}
		err := q.CreateParticipant(ctx, &p)
		if !errors.Is(err, storage.ErrCodeTaken) {
			return p, err
		}
	}
	return referralhub.Participant{}, fmt.Errorf("no free referral code after %d draws", codeAttempts)
}

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
	r := referralhub.Referral{ReferrerID: referrerID, RefereeID: refereeID, ClickID: click.ClickID, CreatedAt: now,
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
