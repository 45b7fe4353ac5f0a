package referralhub

import "time"

// Signal is one reason a referral looks risky, with its weight in the score.
type Signal struct {
	Code   string // "self_email", "self_device", "velocity_referrer", ...
	Reason string // for the admin, in words
	Weight int
}

// Review states of a referral.
const (
	ReviewClear    = "clear"    // below the review threshold: rewards run normally
	ReviewHeld     = "held"     // waiting for an admin; rewards stay pending
	ReviewBlocked  = "blocked"  // above the block threshold: rewards cancelled
	ReviewApproved = "approved" // an admin let it through
	ReviewRejected = "rejected" // an admin refused it: rewards cancelled
)

// FraudSettings say what a referral's risk score does. They are part of
// the program, so changes are versioned and audited with it.
type FraudSettings struct {
	ReviewThreshold      int  // a score at or above it holds rewards for review
	BlockThreshold       int  // a score at or above it blocks them
	RequireVerifiedEmail bool // rewards stay pending until the friend verifies their email
	// DeviceWindow: how far back an IP + user agent seen for the referrer
	// counts as the same device.
	DeviceWindow       time.Duration
	MaxPerReferrerHour int // referred signups of one referrer before velocity fires
	MaxPerReferrerDay  int
	MaxPerIPDay        int // referred signups from one IP address
	MaxPerSubnetDay    int // ...or one /24 (IPv6 /64)
	// FastSignup: a signup this soon after its click, with no page view
	// between, is flagged.
	FastSignup time.Duration
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID        int64
	ActorID   int64  // 0 when the account is gone or it was the system
	Actor     string // the username at the time
	Action    string // "review.approve", "program.save", "admin.login", ...
	Subject   string // what it was about: "referral 12", "participant 7"
	Detail    string // the why, or a summary of the change
	CreatedAt time.Time
}

// ParticipantHistory summarises a participant for the review page.
type ParticipantHistory struct {
	ParticipantID int64
	Username      string
	JoinedAt      time.Time
	Verified      bool
	Banned        bool
	Referrals     int64
	Clicks        int64
	Rewards       int64 // ledger entries
	Held          int64 // their referrals held or blocked
}

// ReviewItem is a referral as the review queue shows it.
type ReviewItem struct {
	Referral
	ReferrerName, RefereeName   string
	ReferrerEmail, RefereeEmail string
	ReviewedBy                  string
	ReviewNote                  string
}

// Sighting kinds.
const (
	SightDevice = "device" // the device cookie's id, hashed
	SightIPUA   = "ipua"   // IP + user agent, hashed under the rotating salt
	SightIP     = "ip"     // IP alone, hashed likewise
)

// LinkedAccount is a participant sharing a device or IP with another.
type LinkedAccount struct {
	ParticipantID int64
	Username      string
	Kind          string // SightDevice, SightIPUA or SightIP
}
