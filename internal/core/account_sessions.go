package core

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Login checks a login (email or username) and password. After
// LoginMaxFailures failures within LoginWindow the account refuses logins
// for LoginLockout, even with the right password.
func (s *Service) Login(ctx context.Context, login, pw string) (referralhub.User, Session, error) {
	badLogin := referralhub.Errorf(referralhub.EUNAUTHORIZED, "That login and password do not match.")
	if !IsText(login) {
		s.burnPasswordCheck(ctx, pw)
		return referralhub.User{}, Session{}, badLogin
	}
	u, st, err := s.db.Read().UserForLogin(ctx, NormalizeEmail(login))
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		s.burnPasswordCheck(ctx, pw) // same time as a real check: no user enumeration
		return u, Session{}, badLogin
	}
	if err != nil {
		return u, Session{}, err
	}
	now := s.now()
	if now.Before(st.LockedUntil) {
		return u, Session{}, lockedError(st.LockedUntil.Sub(now))
	}
	ok, err := s.hasher.Verify(ctx, pw, st.PasswordHash)
	if err != nil {
		return u, Session{}, err
	}
	if !ok {
		return u, Session{}, s.failLogin(ctx, u.ID, now, badLogin)
	}
	var sess Session
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.ResetFailedLogins(ctx, u.ID); err != nil {
			return err
		}
		if u.IsAdmin {
			if err := s.audit(ctx, q, u, "admin.login", "user "+strconv.FormatInt(u.ID, 10), "", now); err != nil {
				return err
			}
		}
		sess, err = s.newSession(ctx, q, u.ID, now)
		return err
	})
	return u, sess, err
}

func (s *Service) failLogin(ctx context.Context, userID int64, now time.Time, badLogin error) error {
	st := s.settings
	locked, err := s.db.Write().RecordFailedLogin(ctx, userID, now, st.LoginWindow, st.LoginMaxFailures, st.LoginLockout)
	if err != nil {
		return err
	}
	if !locked.IsZero() {
		s.log.WarnContext(ctx, "account locked after failed logins", "user_id", userID)
		return lockedError(locked.Sub(now))
	}
	return badLogin
}

func lockedError(left time.Duration) error {
	minutes := int(left.Minutes()) + 1
	return referralhub.Errorf(referralhub.ETOOMANY,
		"Too many failed logins for this account. Try again in %d minute%s.", minutes, plural(minutes))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// burnPasswordCheck spends the time of a password check.
func (s *Service) burnPasswordCheck(ctx context.Context, pw string) {
	s.dummyOnce.Do(func() { s.dummyHash, _ = s.hasher.Hash(ctx, "referralhub dummy password") })
	_, _ = s.hasher.Verify(ctx, pw, s.dummyHash)
}

// Logout ends the session behind token.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.db.Write().DeleteSession(ctx, hashToken(token))
}

// touchEvery limits how often activity is written for one participant.
const touchEvery = time.Hour

// Authenticate returns the user and participant of a live session token,
// and records the participant's activity (at most hourly).
func (s *Service) Authenticate(ctx context.Context, token string) (referralhub.User, referralhub.Participant, error) {
	u, p, err := s.sessionUser(ctx, token)
	if err != nil {
		return u, p, err
	}
	s.noteActivity(ctx, p)
	return u, p, nil
}

// noteActivity records that participant p was seen now, at most hourly,
// for the "active network" figures. A failure is only logged.
func (s *Service) noteActivity(ctx context.Context, p referralhub.Participant) {
	if now := s.now(); now.Sub(p.LastSeenAt) > touchEvery {
		if err := s.db.Write().TouchParticipant(ctx, p.ID, now); err != nil {
			s.log.WarnContext(ctx, "touch participant", "err", err)
		}
	}
}

// sessionUser looks a session up without writing anything, for the click
// path, which must not wait on the single SQLite writer.
func (s *Service) sessionUser(ctx context.Context, token string) (referralhub.User, referralhub.Participant, error) {
	if token == "" {
		return referralhub.User{}, referralhub.Participant{}, referralhub.Errorf(referralhub.EUNAUTHORIZED, "Please log in.")
	}
	return s.db.Read().SessionUser(ctx, hashToken(token), s.now())
}

func (s *Service) newSession(ctx context.Context, q *storage.Queries, userID int64, now time.Time) (Session, error) {
	sess := Session{Token: rand.Text() + rand.Text(), Expires: now.Add(s.settings.SessionTTL)}
	return sess, q.CreateSession(ctx, hashToken(sess.Token), userID, now, sess.Expires)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
