package referralhub

import "time"

// Event names the core knows. Any other name is a custom event.
const (
	EventClick         = "click"
	EventSignup        = "signup"
	EventEmailVerified = "email_verified"
	EventPurchase      = "purchase"
	EventRefund        = "refund"
)

// Event is one step a person took, tied to the referral that brought them
// when there is one. Key is its idempotency key: a repeated key changes
// nothing.
type Event struct {
	ID            int64
	ParticipantID int64 // who took the step
	ReferralID    int64 // 0 for an organic participant
	Name          string
	Key           string
	Amount        int64  // purchases and refunds: minor units (cents)
	Currency      string // lower-case ISO 4217, e.g. "usd"
	PurchaseKey   string // refunds: the key of the purchase refunded
	CreatedAt     time.Time
}

// Reward kinds.
const (
	KindPoints    = "points"
	KindCredit    = "credit"     // account credit: Amount minor units of Currency
	KindCoupon    = "coupon"     // PercentOff, or Amount off in Currency
	KindTrialDays = "trial_days" // Amount days
)

// Sides of a referral that a rule rewards.
const (
	SideReferrer = "referrer"
	SideReferee  = "referee"
)

// Reward statuses, in the order a reward moves through them.
const (
	StatusPending   = "pending"   // earned, waiting for its hold to end
	StatusApproved  = "approved"  // available
	StatusRedeemed  = "redeemed"  // the participant used it (a coupon code was issued)
	StatusFulfilled = "fulfilled" // paid out elsewhere (credit on a Stripe balance)
	StatusReversed  = "reversed"  // taken back by a refund; a clawback entry balances it
	StatusCancelled = "cancelled" // withdrawn before it was ever available
)

// Ledger entry types.
const (
	EntryReward     = "reward"     // earned under a rule
	EntryClawback   = "clawback"   // the negative of a reversed reward
	EntryRedemption = "redemption" // points spent on a coupon, and the coupon
	EntryAdjustment = "adjustment" // points an admin gave or took, with the reason
)

// Reward is one ledger entry. Entries are never deleted and their amounts
// never change; a status change sets its own timestamp once.
type Reward struct {
	ID            int64
	ParticipantID int64 // the beneficiary
	Side          string
	Entry         string
	RuleID        int64 // 0 for redemptions
	ReferralID    int64
	EventID       int64
	ReversesID    int64 // clawbacks: the entry they reverse
	Kind          string
	Amount        int64 // signed: clawbacks and point spends are negative
	Currency      string
	PercentOff    int64
	Status        string
	Reason        string // "alice signed up", "bob's first purchase"
	PromoCode     string // coupons: the Stripe promotion code, once issued
	ExternalID    string // the Stripe object that fulfilled it
	NeedsReview   bool   // reversed after it was paid out: the admin must look
	HoldUntil     time.Time
	CreditedAt    time.Time
	ApprovedAt    time.Time
	RedeemAskedAt time.Time // the participant asked to redeem; fulfilment runs as a job
	RedeemedAt    time.Time
	FulfilledAt   time.Time
	ReversedAt    time.Time
	CancelledAt   time.Time
}

// Balance is what a participant holds of one kind (and currency).
type Balance struct {
	Kind      string
	Currency  string
	Available int64 // approved, not yet spent
	Pending   int64 // on hold
}

// EventDetails is what a reported event may carry besides the event: when
// it happened by the reporter's clock, and the reporter's JSON object about
// it ("" when none).
type EventDetails struct {
	OccurredAt time.Time // zero when not given
	Metadata   string
}
