package referralhub

import "time"

// User is a person with a login on the hosted site.
type User struct {
	ID        int64
	Email     string
	Username  string
	IsAdmin   bool
	CreatedAt time.Time
	// EmailVerifiedAt is when the current address was verified; zero
	// until it is.
	EmailVerifiedAt time.Time
}

// NotificationPrefs are the notification emails a user chose to get.
type NotificationPrefs struct {
	NewReferral  bool // "You have a new referral"
	RewardEarned bool // "You earned a reward"
	RewardReady  bool // "Your reward is ready"
	Achievement  bool // "You reached Gold", "You earned a badge"
}

// Participant is a referral profile: the code a person shares and the
// activity that the "active network" figure is based on.
type Participant struct {
	ID            int64
	UserID        int64
	Code          string
	CreatedAt     time.Time
	LastSeenAt    time.Time
	ReferralCount int64 // people this participant referred
	ClickCount    int64 // clicks on this participant's link
	// QualifiedCount is the referrals that count for tiers, badges and the
	// leaderboard: those whose rewards may run.
	QualifiedCount int64
	Plan           string // PlanFree or PlanPaid, for rules' segment conditions
	// StripeCustomerID lets account credit land on a Stripe balance.
	StripeCustomerID string
}

// CodeOwner is what a referral code resolves to on the click path.
type CodeOwner struct {
	ParticipantID int64
	Code          string
	Username      string
}

// Click is one visit through a referral link. ID is made in-process because
// clicks are inserted in batches; it travels in the attribution cookie.
type Click struct {
	ID            string
	ParticipantID int64
	Code          string
	IPHash        string
	UserAgent     string
	Referer       string
	CreatedAt     time.Time
	Bot           bool // a bot or link preview: kept, not counted, attributes nothing
	// Channel is where the link was shared, from its ?s= ("x", "qr", …;
	// see ShareChannels), "" for none or an unknown one.
	Channel string
}

// ChannelTotals are a share channel's figures over a period: human clicks,
// referred signups and conversions (first purchases) that came through it.
// Channel "" is links shared without one.
type ChannelTotals struct {
	Channel                      string
	Clicks, Signups, Conversions int64
}

// ShareChannels are the channels a referral link's ?s= may name: X,
// Facebook, LinkedIn, WhatsApp, email, the QR code, the Copy button, an
// email invite and the phone's share sheet. Anything else is no channel.
var ShareChannels = []string{"x", "fb", "li", "wa", "em", "qr", "copy", "invite", "native"}

// Referral ties a referred participant to the participant who referred them,
// and to the click that brought them when there was one.
type Referral struct {
	ID         int64
	ReferrerID int64
	RefereeID  int64
	ClickID    string
	Channel    string // the share channel of the click that brought them; "" for none
	CreatedAt  time.Time
	// The risk assessment made at signup.
	RiskScore  int
	Signals    []Signal
	Review     string // ReviewClear, ReviewHeld, ...
	IPHash     string // the signup's IP, hashed under the salt of its period
	SubnetHash string // the signup's /24 or /64, likewise
}

// ReferralStats are the counts on a participant's dashboard.
type ReferralStats struct {
	Referrals     int64 // people referred
	ActiveNetwork int64 // of those, seen within the activity window
	Clicks        int64 // clicks on the participant's link
}

// ReferredUser is one row of a participant's referral list: who joined,
// where their referral stands and what it earned the referrer.
type ReferredUser struct {
	ReferralID int64
	Username   string
	JoinedAt   time.Time
	Review     string // the referral's review state: ReviewClear, ReviewHeld…
	Qualified  bool   // it counts for tiers, badges and the leaderboard
	// Earned is the referrer's ledger entries for this referral (rewards
	// and their clawbacks), oldest first.
	Earned []Reward
}

// AdminUser is one row of the admin's user list.
type AdminUser struct {
	User
	Code      string
	Referrer  string // the referrer's username, "" when organic
	Referrals int64
}

// ParticipantDetails is a participant with the id, email and name the
// host's product gave it (a hosted sign-up has no external id, and shows
// its user's email and username), and who referred it.
type ParticipantDetails struct {
	Participant
	ExternalID         string
	Email              string
	Name               string
	ReferrerID         int64 // 0 for an organic participant
	ReferrerExternalID string
}

// ReferralSummary is one referral a participant made, with its referee's
// external id, for lists of a participant's referrals.
type ReferralSummary struct {
	ID                int64
	RefereeID         int64
	RefereeExternalID string
	ClickID           string
	CreatedAt         time.Time
	Review            string
	RiskScore         int
	ImportedAt        time.Time // when an import stored it; zero for a referral made here
}
