package referralhub

import "time"

// Invite settings' defaults: what a program saved without them does.
const (
	DefaultInviteDailyLimit   = 20 // invites one participant may send a day
	DefaultInviteReminderDays = 3  // days before the one reminder; 0 sends none
)

// InviteSettings say how participants may invite friends by email. They
// are part of the program, so changes are versioned and audited with it.
type InviteSettings struct {
	DailyLimit   int // invites one participant may send in 24 hours
	ReminderDays int // days after which an invitee who has not joined is reminded once; 0: never
}

// InvitesOrDefault is the program's invite settings, or the defaults.
func (p Program) InvitesOrDefault() InviteSettings {
	if p.Invites == nil {
		return InviteSettings{DailyLimit: DefaultInviteDailyLimit, ReminderDays: DefaultInviteReminderDays}
	}
	return *p.Invites
}

// Why an invite was not sent (Invite.Refused).
const (
	InviteRefusedUnsubscribed = "unsubscribed" // the address asked for no more invites
	InviteRefusedParticipant  = "participant"  // the address belongs to a participant already
	InviteRefusedRecent       = "recent"       // someone invited it within the last 30 days
	InviteRefusedLimit        = "limit"        // the inviter reached their daily limit
)

// States of an invite, as the dashboard shows them.
const (
	InviteNotSent = "not sent"
	InviteSent    = "sent"
	InviteClicked = "clicked"
	InviteJoined  = "joined"
)

// Invite is one address a participant asked to invite by email: mailed
// (Refused "") or refused, and what became of it.
type Invite struct {
	ID            int64
	ParticipantID int64
	Email         string // as the inviter typed it
	Token         string // the random id the invite's link carries (?i=)
	Note          string // the inviter's personal note, plain text
	Refused       string // "" when mailed, else an InviteRefused* code
	Burst         bool   // sent while its inviter was sending unusually many
	CreatedAt     time.Time
	ClickedAt     time.Time // zero until the invitee follows the link
	JoinedAt      time.Time // zero until the address signs up
	RemindedAt    time.Time // zero until the one reminder is mailed
}

// State is the invite's state: not sent, sent, clicked or joined.
func (i Invite) State() string {
	switch {
	case i.Refused != "":
		return InviteNotSent
	case !i.JoinedAt.IsZero():
		return InviteJoined
	case !i.ClickedAt.IsZero():
		return InviteClicked
	}
	return InviteSent
}
