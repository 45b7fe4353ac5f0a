package core

import (
	"context"
	"errors"
	"fmt"
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
	referrer, clickID := s.referrerFor(ctx, in.Attribution)
	now := s.now()
	u := referralhub.User{Email: in.Email, Username: in.Username, IsAdmin: in.IsAdmin, CreatedAt: now}
	var sess Session
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.CreateUser(ctx, &u, hash); err != nil {
			return err
		}
		p, err := s.createParticipant(ctx, q, u.ID, now)
		if err != nil {
			return err
		}
		if referrer.ParticipantID != 0 {
			r := referralhub.Referral{ReferrerID: referrer.ParticipantID, RefereeID: p.ID, ClickID: clickID, CreatedAt: now}
			if err := q.CreateReferral(ctx, &r); err != nil {
				return err
			}
		}
		if !startSession {
			return nil
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
	s.log.InfoContext(ctx, "signup", "user_id", u.ID, "referred", referrer.ParticipantID != 0)
	return u, sess, nil
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
func (s *Service) referrerFor(ctx context.Context, cookie string) (referralhub.CodeOwner, string) {
	if cookie == "" {
		return referralhub.CodeOwner{}, ""
	}
	a, ok := s.VerifyAttribution(cookie)
	if !ok {
		return referralhub.CodeOwner{}, ""
	}
	owner, found, err := s.codes.Lookup(ctx, a.Code)
	if err != nil || !found {
		return referralhub.CodeOwner{}, ""
	}
	return owner, a.ClickID
}
