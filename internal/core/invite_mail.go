package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/storage"
)

// Invite mails: the invite, and its one reminder.
const (
	mailInvite         = mail.KindInvite
	mailInviteReminder = mail.KindInviteReminder
)

// InviteChannel is the share channel an invite's link names (?s=).
const InviteChannel = "invite"

// InviteUnsubscribePath is where an invitee's opt-out link leads.
const InviteUnsubscribePath = "/invites/unsubscribe"

// runInviteMailJob mails an invite or its reminder, unless it is no longer
// wanted: the address joined or opted out, the inviter is banned or gone,
// or (a reminder) the program stopped reminding or it was reminded.
func (s *Service) runInviteMailJob(ctx context.Context, j referralhub.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	inv, data, send, err := s.composeInvite(ctx, p)
	if err != nil || !send {
		return ignoreGone(err)
	}
	subject, text, html, err := s.templates.Render(p.Mail, data)
	if err != nil {
		return referralhub.Errorf(referralhub.EINVALID, "render %s mail: %v", p.Mail, err)
	}
	err = s.mailer.Send(ctx, mail.Message{To: inv.Email, Subject: subject, Text: text, HTML: html,
		MessageID: fmt.Sprintf("<job-%d.%s@%s>", j.ID, p.Mail, s.mailHost()),
		Headers: map[string]string{"List-Unsubscribe": "<" + data.UnsubscribeURL + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}})
	if err != nil || p.Mail != mailInviteReminder {
		return err
	}
	_, err = s.db.Write().MarkInviteReminded(ctx, inv.ID, s.now())
	return err
}

// composeInvite reads the invite and its inviter and fills the mail's
// data; send is false when the mail is no longer wanted.
func (s *Service) composeInvite(ctx context.Context, p jobPayload) (referralhub.Invite, mail.Data, bool, error) {
	q := s.db.Write()
	inv, err := q.Invite(ctx, p.InviteID)
	if err != nil {
		return inv, mail.Data{}, false, err
	}
	if wanted, err := s.inviteWanted(ctx, q, inv, p.Mail); !wanted || err != nil {
		return inv, mail.Data{}, false, err
	}
	inviter, err := q.APIParticipantByID(ctx, inv.ParticipantID)
	if err != nil {
		return inv, mail.Data{}, false, err
	}
	identity := IdentityEmail(inv.Email)
	data := mail.Data{Username: "there", Inviter: inviter.Name, Note: inv.Note,
		Link: s.InviteLink(inviter.Code, inv.Token), UnsubscribeURL: s.InviteUnsubscribeURL(identity)}
	s.brandMail(ctx, &data)
	return inv, data, true, nil
}

// inviteWanted says whether an invite's mail (kind) should still go out.
func (s *Service) inviteWanted(ctx context.Context, q *storage.Queries, inv referralhub.Invite, kind string) (bool, error) {
	if inv.Refused != "" || !inv.JoinedAt.IsZero() {
		return false, nil
	}
	if kind == mailInviteReminder {
		prog, err := s.Program(ctx)
		if err != nil || prog.InvitesOrDefault().ReminderDays <= 0 || !inv.RemindedAt.IsZero() {
			return false, err
		}
	}
	if out, err := q.OptedOutOfInvites(ctx, IdentityEmail(inv.Email)); out || err != nil {
		return false, err
	}
	banned, err := q.Banned(ctx, inv.ParticipantID)
	return !banned, err
}

// InviteLink is the referral link an invite mails: channel invite, and
// the invite's token, which marks it clicked.
func (s *Service) InviteLink(code, token string) string {
	return s.referralLink(code) + "?" + url.Values{"s": {InviteChannel}, "i": {token}}.Encode()
}

// InviteUnsubscribeURL is an invitee's signed opt-out link: it names the
// identity email and needs no login.
func (s *Service) InviteUnsubscribeURL(identity string) string {
	return s.baseURL + InviteUnsubscribePath + "?token=" + url.QueryEscape(s.inviteOptOutToken(identity))
}

func (s *Service) inviteOptOutToken(identity string) string {
	m := hmac.New(sha256.New, s.keys.unsubscribe)
	fmt.Fprintf(m, "invite.%s", identity)
	return base64.RawURLEncoding.EncodeToString([]byte(identity)) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// InviteOptOutAddress checks an invitee's opt-out token and returns the
// address it names; ENOTFOUND when it is not one of ours.
func (s *Service) InviteOptOutAddress(token string) (string, error) {
	enc, _, ok := strings.Cut(token, ".")
	identity, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || !hmac.Equal([]byte(token), []byte(s.inviteOptOutToken(string(identity)))) {
		return "", referralhub.Errorf(referralhub.ENOTFOUND, "That unsubscribe link is not valid.")
	}
	return string(identity), nil
}

// UnsubscribeInvites stops every invite to the address of an opt-out
// token, from anyone; doing it twice changes nothing.
func (s *Service) UnsubscribeInvites(ctx context.Context, token string) error {
	identity, err := s.InviteOptOutAddress(token)
	if err != nil {
		return err
	}
	if err := s.db.Write().OptOutOfInvites(ctx, identity, s.now()); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "invitee unsubscribed")
	return nil
}
