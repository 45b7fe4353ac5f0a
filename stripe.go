package referralhub

import "time"

// Outcomes of a Stripe event ReferralHub received.
const (
	StripePending   = "pending"   // stored, its job has not finished
	StripeRecorded  = "recorded"  // a participant matched and something changed: an event, a plan, a referral
	StripeUnmatched = "unmatched" // nobody matched; kept for the admin, never an error
	StripeIgnored   = "ignored"   // a type or state that changes nothing, or a repeat of what is recorded
	StripeFailed    = "failed"    // processing failed for good; Detail says why, an admin may retry
)

// StripeEvent is one event Stripe sent to the webhook, with what came of
// it. Its ID is Stripe's ("evt_…"), stored once: Stripe's retries and
// replays of it change nothing.
type StripeEvent struct {
	ID            string
	Type          string // "invoice.paid", ...
	APIVersion    string
	Livemode      bool
	Payload       []byte    // the event as Stripe sent it
	CreatedAt     time.Time // when Stripe made it
	ReceivedAt    time.Time
	Outcome       string
	Detail        string // in words: what was recorded, or why not
	ParticipantID int64  // the participant it matched, 0 for none
	EventID       int64  // the event it recorded (a purchase or a refund), 0 for none
	ProcessedAt   time.Time
	Retries       int // how often an admin retried it
}
