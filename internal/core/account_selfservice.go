package core

import (
	"context"
	"crypto/hmac"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// resendGap is how soon a verification or reset mail can be asked for again.
const resendGap = time.Minute

// VerifyEmail spends a verification link's token: the address it was sent
// to is verified, and an email_verified event is recorded (and rewarded)
// once per participant, all in one transaction.
func (s *Service) VerifyEmail(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 || !IsText(token) {
		return referralhub.Errorf(referralhub.ENOTFOUND, "That link has expired or was already used.")
	}
	now := s.now()
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		t, err := q.UseEmailToken(ctx, hashToken(token), purposeVerify, now)
		if err != nil {
			return err
		}
		verified, err := q.MarkEmailVerified(ctx, t.UserID, t.Email, now)
		if err != nil {
			return err
		}
		to, err := q.RecipientByUser(ctx, t.UserID)
		if err != nil {
			return err
		}
		if !verified {
			if to.Verified && storage.EmailKey(to.Email) == storage.EmailKey(t.Email) {
				return nil // verified already, through another link
			}
			return referralhub.Errorf(referralhub.ENOTFOUND, "That link was sent to an address this account no longer uses.")
		}
		ev := referralhub.Event{ParticipantID: to.ParticipantID, Name: referralhub.EventEmailVerified,
			Key: internalKeyPrefix + referralhub.EventEmailVerified, CreatedAt: now}
		if _, err := s.recordEvent(ctx, q, &ev); err != nil {
			return err
		}
		return s.releaseAfterVerification(ctx, q, to.ParticipantID, now)
	})
	if err != nil {
		return err
	}
	s.jobsQueued()
	return nil
}

// ResendVerification mails a new verification link to an unverified user.
func (s *Service) ResendVerification(ctx context.Context, u referralhub.User) error {
	if !u.EmailVerifiedAt.IsZero() {
		return referralhub.Errorf(referralhub.EINVALID, "Your email address is already verified.")
	}
	if err := s.throttleMail(ctx, u.ID, purposeVerify); err != nil {
		return err
	}
	queued, err := s.queueMail(ctx, s.minuteKey(mailVerify, u.ID), jobPayload{Mail: mailVerify, UserID: u.ID})
	if err == nil && !queued {
		err = referralhub.Errorf(referralhub.ETOOMANY, "We just sent you an email. Wait a minute before asking again.")
	}
	return err
}

func (s *Service) throttleMail(ctx context.Context, userID int64, purpose string) error {
	last, err := s.db.Read().LatestEmailToken(ctx, userID, purpose)
	if err != nil {
		return err
	}
	if s.now().Sub(last) < resendGap {
		return referralhub.Errorf(referralhub.ETOOMANY, "We just sent you an email. Wait a minute before asking again.")
	}
	return nil
}

// queueMail queues one mail under a dedupe key; queued is false when a
// mail with that key was queued before.
func (s *Service) queueMail(ctx context.Context, dedupe string, p jobPayload) (queued bool, err error) {
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		var err error
		queued, err = s.enqueueOnce(ctx, q, JobMail, dedupe, s.now(), p)
		return err
	})
	if queued {
		s.jobsQueued()
	}
	return queued, err
}

// minuteKey is a dedupe key that lets one mail of a kind per user through
// each clock minute, however fast the requests come: the token-based
// throttle only sees mails the worker already sent.
func (s *Service) minuteKey(kind string, userID int64) string {
	return fmt.Sprintf("mail:%s:%d:%d", kind, userID, s.now().Unix()/60)
}

// RequestPasswordReset mails a reset link when email belongs to a user. It
// answers the same whether or not it does, so it reveals no accounts.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	email = NormalizeEmail(email)
	if msg := checkEmail(email); msg != "" {
		return &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: map[string]string{"email": msg}}
	}
	// The account is looked up by the job, not here: a known and an unknown
	// address cost the same one write, so timing reveals nothing.
	key := fmt.Sprintf("mail:%s:%s:%d", mailReset, storage.EmailKey(email), s.now().Unix()/60)
	_, err := s.queueMail(ctx, key, jobPayload{Mail: mailReset, Email: email})
	return err
}

// CheckResetLink reports whether a password-reset link's token can still
// be used, without using it: ENOTFOUND when it expired, was used, or never
// was one. The reset page asks it before it shows the password form.
func (s *Service) CheckResetLink(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 || !IsText(token) {
		return referralhub.Errorf(referralhub.ENOTFOUND, "That link has expired or was already used.")
	}
	_, err := s.db.Read().PeekEmailToken(ctx, hashToken(token), purposeReset, s.now())
	return err
}

// ResetPassword spends a reset link's token to set a new password, ends
// every session of the user and starts a new one.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) (referralhub.User, Session, error) {
	if msg := checkPassword(newPassword); msg != "" {
		return referralhub.User{}, Session{}, &referralhub.Error{Code: referralhub.EINVALID, Message: msg,
			Fields: map[string]string{"password": msg}}
	}
	// Check the link before hashing: junk posts must not occupy the hasher
	// that logins share.
	if err := s.CheckResetLink(ctx, token); err != nil {
		return referralhub.User{}, Session{}, err
	}
	hash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return referralhub.User{}, Session{}, err
	}
	now := s.now()
	var (
		u    referralhub.User
		sess Session
	)
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		t, err := q.UseEmailToken(ctx, hashToken(token), purposeReset, now)
		if err != nil {
			return err
		}
		if err := s.replacePassword(ctx, q, t.UserID, hash, ""); err != nil {
			return err
		}
		to, err := q.RecipientByUser(ctx, t.UserID)
		if err != nil {
			return err
		}
		u = referralhub.User{ID: to.UserID, Email: to.Email, Username: to.Username}
		sess, err = s.newSession(ctx, q, t.UserID, now)
		return err
	})
	if err != nil {
		return referralhub.User{}, Session{}, err
	}
	s.log.InfoContext(ctx, "password reset", "user_id", u.ID)
	return u, sess, nil
}

// replacePassword sets a password hash, voids unused reset links and ends
// the user's sessions except keep (a session token, "" for none).
func (s *Service) replacePassword(ctx context.Context, q *storage.Queries, userID int64, hash, keep string) error {
	if err := q.SetPassword(ctx, userID, hash); err != nil {
		return err
	}
	if err := q.SpendEmailTokens(ctx, userID, purposeReset, s.now()); err != nil {
		return err
	}
	keepHash := ""
	if keep != "" {
		keepHash = hashToken(keep)
	}
	return q.DeleteUserSessions(ctx, userID, keepHash)
}

// ChangePassword sets a new password for a signed-in user who gave the
// current one, and ends their other sessions.
func (s *Service) ChangePassword(ctx context.Context, u referralhub.User, sessionToken, current, next string) error {
	if err := s.checkCurrentPassword(ctx, u.ID, current); err != nil {
		return err
	}
	if msg := checkPassword(next); msg != "" {
		return &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: map[string]string{"new_password": msg}}
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(q *storage.Queries) error { return s.replacePassword(ctx, q, u.ID, hash, sessionToken) })
	if err == nil {
		s.log.InfoContext(ctx, "password changed", "user_id", u.ID)
	}
	return err
}

// checkCurrentPassword verifies the password a signed-in user gave to
// change their account. Wrong guesses count toward the same lockout as
// failed logins, so a stolen session cannot try passwords without limit.
func (s *Service) checkCurrentPassword(ctx context.Context, userID int64, current string) error {
	st, err := s.db.Read().LoginStateOf(ctx, userID)
	if err != nil {
		return err
	}
	now := s.now()
	if now.Before(st.LockedUntil) {
		return lockedError(st.LockedUntil.Sub(now))
	}
	ok, err := s.hasher.Verify(ctx, current, st.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		msg := "That is not your current password."
		wrong := &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: map[string]string{"current_password": msg}}
		return s.failLogin(ctx, userID, now, wrong)
	}
	return nil
}

// ChangeEmail gives a signed-in user who gave their password a new
// address, which must be verified again: a link is mailed to it.
func (s *Service) ChangeEmail(ctx context.Context, u referralhub.User, password, email string) error {
	email = NormalizeEmail(email)
	if msg := checkEmail(email); msg != "" {
		return &referralhub.Error{Code: referralhub.EINVALID, Message: msg, Fields: map[string]string{"email": msg}}
	}
	if err := s.checkCurrentPassword(ctx, u.ID, password); err != nil {
		return err
	}
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.ChangeEmail(ctx, u.ID, email); err != nil {
			return err
		}
		if err := s.noteUserEmail(ctx, q, u.ID, email); err != nil {
			return err
		}
		// Links already mailed to the old address must not work any more.
		for _, purpose := range []string{purposeReset, purposeVerify} {
			if err := q.SpendEmailTokens(ctx, u.ID, purpose, s.now()); err != nil {
				return err
			}
		}
		return s.enqueue(ctx, q, JobMail, "", s.now(), jobPayload{Mail: mailVerify, UserID: u.ID})
	})
	if err != nil {
		return err
	}
	s.jobsQueued()
	s.log.InfoContext(ctx, "email changed", "user_id", u.ID)
	return nil
}

// NotificationPrefs returns which notification emails a user gets.
func (s *Service) NotificationPrefs(ctx context.Context, u referralhub.User) (referralhub.NotificationPrefs, error) {
	to, err := s.db.Read().RecipientByUser(ctx, u.ID)
	return to.Prefs, err
}

// SetNotificationPrefs stores which notification emails a user gets.
func (s *Service) SetNotificationPrefs(ctx context.Context, u referralhub.User, p referralhub.NotificationPrefs) error {
	return s.db.Write().SetNotificationPrefs(ctx, u.ID, p)
}

// Unsubscribe turns off one notification (or all) for the user named by a
// signed opt-out link. A bad signature is ENOTFOUND.
func (s *Service) Unsubscribe(ctx context.Context, userID int64, kind, sig string) error {
	if !hmac.Equal([]byte(sig), []byte(s.unsubscribeSig(userID, kind))) {
		return referralhub.Errorf(referralhub.ENOTFOUND, "That unsubscribe link is not valid.")
	}
	to, err := s.db.Read().RecipientByUser(ctx, userID)
	if err != nil {
		return err
	}
	p := to.Prefs
	switch kind {
	case mailNewReferral:
		p.NewReferral = false
	case mailRewardEarned:
		p.RewardEarned = false
	case mailRewardReady:
		p.RewardReady = false
	case mailAchievement:
		p.Achievement = false
	default:
		p = referralhub.NotificationPrefs{}
	}
	return s.db.Write().SetNotificationPrefs(ctx, userID, p)
}

// SetBilling sets a participant's plan (free or paid) and Stripe customer
// id, which rules' segments and credit payouts use.
func (s *Service) SetBilling(ctx context.Context, participantID int64, plan, stripeCustomerID string) error {
	if plan != referralhub.PlanFree && plan != referralhub.PlanPaid {
		return referralhub.Errorf(referralhub.EINVALID, "The plan is free or paid.")
	}
	if len(stripeCustomerID) > 100 || !IsText(stripeCustomerID) {
		return referralhub.Errorf(referralhub.EINVALID, "That Stripe customer id is not valid.")
	}
	return s.db.InTx(ctx, func(q *storage.Queries) error {
		if err := q.SetBilling(ctx, participantID, plan, stripeCustomerID); err != nil {
			return err
		}
		return s.flagSharedCustomer(ctx, q, participantID, stripeCustomerID)
	})
}
