package core

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/storage"
)

// Mail kinds: each names a template in internal/mail.
const (
	mailVerify       = "verify_email"
	mailReset        = "password_reset"
	mailNewReferral  = "new_referral"
	mailRewardEarned = "reward_earned"
	mailRewardReady  = "reward_ready"
)

// Token purposes and lifetimes.
const (
	purposeVerify = "verify"
	purposeReset  = "reset"
	verifyTTL     = 48 * time.Hour
	resetTTL      = time.Hour
)

// Unsubscribe link kinds: one notification, or all of them.
const unsubscribeAll = "all"

// runMailJob composes one mail and sends it. The Message-ID is the job's,
// so a mail resent after a crash is recognisably the same mail.
func (s *Service) runMailJob(ctx context.Context, j referralhub.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	to, data, send, err := s.composeMail(ctx, p)
	if err != nil || !send {
		return err
	}
	s.brandMail(ctx, &data)
	unsub := p.Mail
	if p.Mail == mailVerify || p.Mail == mailReset {
		unsub = unsubscribeAll
	}
	data.UnsubscribeURL = s.UnsubscribeURL(to.UserID, unsub)
	subject, text, html, err := s.templates.Render(p.Mail, data)
	if err != nil {
		return referralhub.Errorf(referralhub.EINVALID, "render %s mail: %v", p.Mail, err)
	}
	return s.mailer.Send(ctx, mail.Message{To: to.Email, Subject: subject, Text: text, HTML: html,
		MessageID: fmt.Sprintf("<job-%d.%s@%s>", j.ID, p.Mail, s.mailHost()),
		Headers: map[string]string{"List-Unsubscribe": "<" + data.UnsubscribeURL + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}})
}

// composeMail finds the recipient and the template data of a mail job.
// send is false when the mail is no longer wanted (opted out, already
// verified).
func (s *Service) composeMail(ctx context.Context, p jobPayload) (storage.Recipient, mail.Data, bool, error) {
	q := s.db.Write()
	switch p.Mail {
	case mailVerify:
		to, err := q.RecipientByUser(ctx, p.UserID)
		if err != nil || to.Verified {
			return to, mail.Data{}, false, ignoreGone(err)
		}
		link, err := s.mailLink(ctx, q, to, p.Mail)
		return to, mail.Data{Username: to.Username, Link: link}, err == nil, err
	case mailReset:
		to, err := q.RecipientByEmail(ctx, p.Email)
		if err != nil {
			return to, mail.Data{}, false, ignoreGone(err) // no such account: nothing to send
		}
		link, err := s.mailLink(ctx, q, to, p.Mail)
		return to, mail.Data{Username: to.Username, Link: link}, err == nil, err
	case mailNewReferral:
		to, err := q.RecipientByUser(ctx, p.UserID)
		if err != nil || !to.Prefs.NewReferral {
			return to, mail.Data{}, false, ignoreGone(err)
		}
		parties, err := q.ReferralPartiesByID(ctx, p.ReferralID)
		if err != nil {
			return to, mail.Data{}, false, ignoreGone(err)
		}
		return to, mail.Data{Username: to.Username, Link: s.baseURL + "/",
			Detail: parties.RefereeName + " signed up through your link"}, true, nil
	case mailAchievement:
		to, err := q.RecipientByUser(ctx, p.UserID)
		if err != nil || !to.Prefs.Achievement {
			return to, mail.Data{}, false, ignoreGone(err)
		}
		return to, mail.Data{Username: to.Username, Link: s.baseURL + "/", Detail: p.Detail}, true, nil
	case mailRewardEarned, mailRewardReady:
		r, err := q.Reward(ctx, p.RewardID)
		if err != nil {
			return storage.Recipient{}, mail.Data{}, false, ignoreGone(err)
		}
		to, err := q.RecipientByParticipant(ctx, r.ParticipantID)
		wanted := p.Mail == mailRewardEarned && to.Prefs.RewardEarned ||
			p.Mail == mailRewardReady && to.Prefs.RewardReady && r.Status == referralhub.StatusApproved
		if err != nil || !wanted {
			return to, mail.Data{}, false, ignoreGone(err)
		}
		return to, mail.Data{Username: to.Username, Link: s.baseURL + "/rewards",
			Detail: DescribeReward(r) + ": " + r.Reason}, true, nil
	}
	return storage.Recipient{}, mail.Data{}, false, referralhub.Errorf(referralhub.EINVALID, "unknown mail %q", p.Mail)
}

// ignoreGone turns "the user or reward was deleted" into nothing to do.
func ignoreGone(err error) error {
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return nil
	}
	return err
}

// mailLink makes a single-use token for a verification or reset mail and
// returns its link. Only the token's hash is stored.
func (s *Service) mailLink(ctx context.Context, q *storage.Queries, to storage.Recipient, kind string) (string, error) {
	token := rand.Text()
	now := s.now()
	purpose, ttl, path := purposeVerify, verifyTTL, "/verify-email"
	if kind == mailReset {
		purpose, ttl, path = purposeReset, resetTTL, "/password-reset/confirm"
	}
	// Only the newest link works: a retried or repeated mail voids the
	// links sent before it.
	if err := q.SpendEmailTokens(ctx, to.UserID, purpose, now); err != nil {
		return "", err
	}
	if err := q.CreateEmailToken(ctx, hashToken(token), to.UserID, purpose, to.Email, now, now.Add(ttl)); err != nil {
		return "", err
	}
	return s.baseURL + path + "?token=" + url.QueryEscape(token), nil
}

func (s *Service) mailHost() string {
	u, err := url.Parse(s.baseURL)
	if err != nil || u.Hostname() == "" {
		return "referralhub"
	}
	return u.Hostname()
}

// UnsubscribeURL is the signed opt-out link for a user and a notification
// kind ("all" for every notification). It needs no login.
func (s *Service) UnsubscribeURL(userID int64, kind string) string {
	v := url.Values{"u": {strconv.FormatInt(userID, 10)}, "k": {kind}, "s": {s.unsubscribeSig(userID, kind)}}
	return s.baseURL + "/unsubscribe?" + v.Encode()
}

func (s *Service) unsubscribeSig(userID int64, kind string) string {
	m := hmac.New(sha256.New, s.keys.unsubscribe)
	fmt.Fprintf(m, "%d.%s", userID, kind)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// MailHeld says why mail is not being sent, "" when it is: production
// without a mail server holds every mail in the job queue (mail.Held).
func (s *Service) MailHeld() string {
	if h, ok := s.mailer.(interface{ HeldBecause() string }); ok {
		return h.HeldBecause()
	}
	return ""
}
