package core

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// Invite rules.
const (
	MaxInvitesPerRequest = 10  // addresses one request may invite
	MaxInviteNote        = 280 // characters of the personal note
	// InviteQuiet is how long an address that was invited (by anyone) is
	// not invited again.
	InviteQuiet = 30 * 24 * time.Hour
	// inviteBurst: more invites than this from one participant within
	// inviteBurstWindow marks the later ones as a burst, a fraud signal.
	inviteBurst       = 10
	inviteBurstWindow = time.Hour
	inviteDay         = 24 * time.Hour
)

// Refusals of an address that is never stored.
const (
	InviteRefusedInvalid   = "invalid"   // not an email address
	InviteRefusedDuplicate = "duplicate" // listed twice in one request
)

// InviteResult is what became of one address of an invite request.
type InviteResult struct {
	Email    string
	Sent     bool   // queued for mailing
	Refused  string // "" when sent, else a refusal code (InviteRefused*)
	Reason   string // the refusal in words, for the inviter
	InviteID int64  // 0 for addresses that were not stored (invalid, duplicate)
}

// InviteInput is an invite request: the addresses and an optional note.
type InviteInput struct {
	Emails []string
	Note   string
}

// SplitInviteEmails splits addresses typed into one field at commas,
// semicolons and line breaks, dropping blanks.
func SplitInviteEmails(typed string) []string {
	var out []string
	for _, e := range strings.FieldsFunc(typed, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// checkInviteInput refuses a request as a whole: no address, too many, or
// a note that is too long or not text.
func checkInviteInput(in InviteInput) error {
	fe := referralhub.FieldErrors{}
	switch {
	case len(in.Emails) == 0:
		fe.Add("emails", "Enter at least one email address.")
	case len(in.Emails) > MaxInvitesPerRequest:
		fe.Add("emails", fmt.Sprintf("Invite at most %d addresses at a time.", MaxInvitesPerRequest))
	}
	if !IsText(in.Note) || utf8.RuneCountInString(in.Note) > MaxInviteNote {
		fe.Add("note", fmt.Sprintf("Keep the note to %d characters of plain text.", MaxInviteNote))
	}
	return fe.Err()
}

// Invite mails participant p's link to each address of in, under the
// program's rules: nobody who opted out, who is a participant already, or
// who was invited by anyone within InviteQuiet, and no more than the
// program's daily limit per inviter. Each address gets a result; refused
// ones (except invalid and repeated addresses) are stored too, so the
// dashboard can say why. A reminder is queued with each mail.
func (s *Service) Invite(ctx context.Context, p referralhub.Participant, in InviteInput) ([]InviteResult, error) {
	in.Note = strings.TrimSpace(in.Note)
	if err := checkInviteInput(in); err != nil {
		return nil, err
	}
	var out []InviteResult
	err := s.db.InTx(ctx, func(q *storage.Queries) error {
		var err error
		out, err = s.invite(ctx, q, p.ID, in, s.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	s.jobsQueued()
	s.log.InfoContext(ctx, "invites", "participant_id", p.ID, "asked", len(in.Emails), "sent", countSent(out))
	return out, nil
}

func countSent(rs []InviteResult) int {
	n := 0
	for _, r := range rs {
		if r.Sent {
			n++
		}
	}
	return n
}

// inviteBatch is what the rules need while one request is judged.
type inviteBatch struct {
	prog        referralhub.InviteSettings
	sentToday   int64 // mailed in the last day, this request's included
	sentHour    int64 // ...and in the last burst window
	identities  map[string]bool
	participant int64
	note        string
	now         time.Time
}

// invite judges and stores each address, in q's transaction. The
// inviter's row is locked first, so concurrent requests cannot both pass
// the daily limit.
func (s *Service) invite(ctx context.Context, q *storage.Queries, participantID int64, in InviteInput, now time.Time) ([]InviteResult, error) {
	if err := q.LockParticipant(ctx, participantID); err != nil {
		return nil, err
	}
	banned, err := q.Banned(ctx, participantID)
	if err != nil {
		return nil, err
	}
	if banned {
		return nil, referralhub.Errorf(referralhub.EFORBIDDEN, "Your account cannot send invitations.")
	}
	prog, err := s.loadProgram(ctx, q)
	if err != nil {
		return nil, err
	}
	b := inviteBatch{prog: prog.InvitesOrDefault(), identities: map[string]bool{}, participant: participantID, note: in.Note, now: now}
	if b.sentToday, err = q.InvitesSentSince(ctx, participantID, now.Add(-inviteDay)); err != nil {
		return nil, err
	}
	if b.sentHour, err = q.InvitesSentSince(ctx, participantID, now.Add(-inviteBurstWindow)); err != nil {
		return nil, err
	}
	out := make([]InviteResult, 0, len(in.Emails))
	for _, email := range in.Emails {
		r, err := s.inviteOne(ctx, q, &b, NormalizeEmail(email))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// inviteOne judges one address, stores it, and queues its mails when it
// is sent.
func (s *Service) inviteOne(ctx context.Context, q *storage.Queries, b *inviteBatch, email string) (InviteResult, error) {
	r := InviteResult{Email: email}
	identity := IdentityEmail(email)
	switch {
	case checkEmail(email) != "" || identity == "":
		r.Refused = InviteRefusedInvalid
	case b.identities[identity]:
		r.Refused = InviteRefusedDuplicate
	}
	if r.Refused != "" {
		r.Reason = InviteRefusalReason(r.Refused, b.prog)
		return r, nil
	}
	b.identities[identity] = true
	refused, err := s.inviteRefusal(ctx, q, b, identity, email)
	if err != nil {
		return r, err
	}
	inv := referralhub.Invite{ParticipantID: b.participant, Email: email, Token: strings.ToLower(rand.Text()),
		Note: b.note, Refused: refused, CreatedAt: b.now}
	if refused == "" {
		b.sentToday++
		b.sentHour++
		inv.Burst = b.sentHour > inviteBurst
	}
	if err := q.InsertInvite(ctx, &inv, identity); err != nil {
		return r, err
	}
	r.InviteID, r.Refused, r.Sent = inv.ID, refused, refused == ""
	if !r.Sent {
		r.Reason = InviteRefusalReason(refused, b.prog)
		return r, nil
	}
	return r, s.queueInviteMails(ctx, q, inv, b.prog)
}

// inviteRefusal applies the rules to one valid address: "" lets it go.
func (s *Service) inviteRefusal(ctx context.Context, q *storage.Queries, b *inviteBatch, identity, email string) (string, error) {
	if out, err := q.OptedOutOfInvites(ctx, identity); out || err != nil {
		return referralhub.InviteRefusedUnsubscribed, err
	}
	if in, err := q.IsParticipantEmail(ctx, identity, storage.EmailKey(email)); in || err != nil {
		return referralhub.InviteRefusedParticipant, err
	}
	if recent, err := q.InvitedSince(ctx, identity, b.now.Add(-InviteQuiet)); recent || err != nil {
		return referralhub.InviteRefusedRecent, err
	}
	if b.sentToday >= int64(b.prog.DailyLimit) {
		return referralhub.InviteRefusedLimit, nil
	}
	return "", nil
}

// queueInviteMails queues the invite's mail now and, when the program
// reminds, its one reminder after the program's delay: each under a
// dedupe key of the invite, so neither is ever sent twice.
func (s *Service) queueInviteMails(ctx context.Context, q *storage.Queries, inv referralhub.Invite, prog referralhub.InviteSettings) error {
	id := fmt.Sprint(inv.ID)
	if err := s.enqueue(ctx, q, JobInviteMail, "invite:"+id, inv.CreatedAt, jobPayload{Mail: mailInvite, InviteID: inv.ID}); err != nil {
		return err
	}
	if prog.ReminderDays <= 0 {
		return nil
	}
	due := inv.CreatedAt.Add(time.Duration(prog.ReminderDays) * 24 * time.Hour)
	return s.enqueue(ctx, q, JobInviteMail, "invite_reminder:"+id, due, jobPayload{Mail: mailInviteReminder, InviteID: inv.ID})
}

// InviteRefusalReason says a refusal code in words for the inviter; ""
// for none.
func InviteRefusalReason(code string, prog referralhub.InviteSettings) string {
	switch code {
	case InviteRefusedInvalid:
		return "This is not a valid email address."
	case InviteRefusedDuplicate:
		return "This address is listed twice."
	case referralhub.InviteRefusedUnsubscribed:
		return "This person asked not to receive invitations."
	case referralhub.InviteRefusedParticipant:
		return "This person has joined already."
	case referralhub.InviteRefusedRecent:
		return "This person was invited in the last 30 days."
	case referralhub.InviteRefusedLimit:
		return fmt.Sprintf("You reached your limit of %d invitations a day. Try again tomorrow.", prog.DailyLimit)
	}
	return ""
}

// Bounds of the program's invite settings.
const (
	maxInviteDailyLimit   = 1000
	maxInviteReminderDays = 60
)

// checkInviteSettings checks the program's invite settings; nil keeps the
// defaults.
func checkInviteSettings(fe referralhub.FieldErrors, in *referralhub.InviteSettings) {
	if in == nil {
		return
	}
	if in.DailyLimit < 1 || in.DailyLimit > maxInviteDailyLimit {
		fe.Add("invite_daily_limit", fmt.Sprintf("The daily limit of invitations is between 1 and %d.", maxInviteDailyLimit))
	}
	if in.ReminderDays < 0 || in.ReminderDays > maxInviteReminderDays {
		fe.Add("invite_reminder_days", fmt.Sprintf("The reminder comes after 0 (never) to %d days.", maxInviteReminderDays))
	}
}

// InviteFor is Invite for the participant a reference names (its id, or
// ExternalPrefix and its external id), for host products.
func (s *Service) InviteFor(ctx context.Context, ref string, in InviteInput) ([]InviteResult, error) {
	p, err := s.lookupParticipant(ctx, ref)
	if err != nil {
		return nil, err
	}
	return s.Invite(ctx, p.Participant, in)
}
