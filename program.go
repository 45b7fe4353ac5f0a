package referralhub

import "time"

// Plans a participant can be on, for rules' segment conditions.
const (
	PlanFree = "free"
	PlanPaid = "paid"
)

// Whose plan a rule's segment looks at.
const (
	SegmentFriend      = "friend"
	SegmentBeneficiary = "beneficiary"
)

// Cap periods.
const (
	PeriodDay   = "day"
	PeriodMonth = "month"
	PeriodLife  = "life"
)

// Program is the referral program: what a referral earns and when. It is
// stored as versions, so every change keeps who made it and when.
type Program struct {
	Name              string
	AttributionWindow time.Duration
	Hold              time.Duration // rules without a hold of their own use it
	// Points redemption: PointsPerCoupon points buy a coupon of CouponValue
	// minor units of CouponCurrency off. 0 points turns redemption off.
	PointsPerCoupon int64
	CouponValue     int64
	CouponCurrency  string
	Rules           []Rule
	NextRuleID      int64 // rule ids are never reused: the ledger keys on them
	// Fraud says what risk scores do; nil (a program saved before it
	// existed) means DefaultFraud.
	Fraud *FraudSettings `json:",omitempty"`
	// Invites say how participants may invite friends by email; nil (a
	// program saved before they existed) means the defaults.
	Invites *InviteSettings `json:",omitempty"`
	// AllowedRedirectHosts are the host names a referral link may send its
	// visitor on to (/r/{code}?to=URL): "shop.example" matches exactly,
	// "*.shop.example" any subdomain of it. Empty: links go to the hosted
	// signup page only, so they can never serve as an open redirect.
	AllowedRedirectHosts []string `json:",omitempty"`
	// EmbedOrigins are the sites whose pages may show the embedded
	// referral page in a frame, as origins: "https://shop.example",
	// "https://*.shop.example" (its subdomains), "http://localhost:3000".
	// They are the page's CSP frame-ancestors. Empty: it cannot be framed.
	EmbedOrigins []string `json:",omitempty"`
	// Tiers, lowest first, and milestone badges; nil (a program saved
	// before they existed) means DefaultTiers and DefaultBadges.
	Tiers  []Tier
	Badges []Badge
	// StripeCoupon, when set, gives each participant a Stripe promotion
	// code of their own for this coupon (the friend's discount): a
	// checkout or invoice that uses it attributes the customer to them.
	StripeCoupon string `json:",omitempty"`
	// ReservedCodes are codes no participant may choose for their link,
	// beyond the built-in ones (admin, api, login, …), lower-case.
	ReservedCodes []string `json:",omitempty"`
	// AddUTM adds utm_source=referralhub, utm_medium=referral,
	// utm_campaign=<Name> and utm_content=<share channel> to a link's ?to=
	// destination, keeping any UTM parameter the destination has.
	AddUTM bool `json:",omitempty"`
}

// DefaultFraud is what risk scores do out of the box.
func DefaultFraud() FraudSettings {
	return FraudSettings{ReviewThreshold: 30, BlockThreshold: 80, RequireVerifiedEmail: true,
		DeviceWindow: 24 * time.Hour, MaxPerReferrerHour: 30, MaxPerReferrerDay: 250, MaxPerIPDay: 3,
		MaxPerSubnetDay: 10, FastSignup: 5 * time.Second}
}

// FraudOrDefault is the program's fraud settings, or the defaults.
func (p Program) FraudOrDefault() FraudSettings {
	if p.Fraud == nil {
		return DefaultFraud()
	}
	return *p.Fraud
}

// Rule says who earns what when a referred person takes a step.
type Rule struct {
	ID          int64
	Trigger     string         // signup, email_verified, purchase, or a custom event name
	MinAmount   int64          // purchases: the least amount that counts (minor units)
	MinCurrency string         // ...in this currency
	FirstOnly   bool           // purchases: only the referee's first purchase counts
	Segment     string         // "", PlanFree or PlanPaid: the plan SegmentOf names must match
	Referrer    *RewardSpec    // nil: the referrer gets nothing from this rule
	Referee     *RewardSpec    // nil: the referee gets nothing
	Hold        *time.Duration // nil: the program's hold
	CapCount    int64          // per referrer and period: at most this many rewards (0: no cap)
	CapValue    int64          // ...or this much in total (0: no cap)
	CapPeriod   string         // PeriodDay, PeriodMonth or PeriodLife
	// SegmentOf says whose plan Segment looks at: "" or SegmentFriend the
	// friend's (referee's), what every rule meant before it existed;
	// SegmentBeneficiary each side's own, the referrer's for the
	// referrer's reward and the friend's for the friend's.
	SegmentOf string `json:",omitempty"`
}

// RewardSpec is what one side of a rule earns.
type RewardSpec struct {
	Kind       string
	Amount     int64 // points, minor units of Currency, or days
	Currency   string
	PercentOff int64 // coupons: percent off instead of an amount
}

// ProgramVersion is one saved state of the program.
type ProgramVersion struct {
	ID        int64
	Program   Program
	ChangedBy string // the admin's username, "" for the built-in default
	Summary   string
	ChangedAt time.Time
}
