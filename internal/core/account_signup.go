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
	// Campaign is the slug of the campaign whose link (/c/{slug}) the
	// signup came through, "" for none: a signup without a referrer is
	// enrolled in it while it runs (a referred one joins its referrer's).
	Campaign string
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
		if err := s.noteJoined(ctx, q, p.ID, u.Email, now); err != nil {
			return err
		}
		risk := riskInput{email: in.Email, seen: in.Seen, clickAt: click.At, formSeenAt: s.formSeenAt(in.FormToken)}
		if err := s.startRewards(ctx, q, u, p, referrer, click, risk); err != nil {
			return err
		}
		if err := s.enrolThroughLink(ctx, q, p.ID, referrer.ParticipantID, in.Campaign); err != nil {
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
		code, err := s.drawCode(ctx, q)
		if err != nil {
			return referralhub.Participant{}, err
		}
		p := referralhub.Participant{UserID: userID, Code: code, CreatedAt: now, LastSeenAt: now}
		err = q.CreateParticipant(ctx, &p)
		if !errors.Is(err, storage.ErrCodeTaken) {
			return p, err
		}
	}
	return referralhub.Participant{}, fmt.Errorf("no free referral code after %d draws", codeAttempts)
}
