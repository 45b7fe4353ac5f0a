package referralhub

import "time"

// Cohort is the participants who signed up in one UTC month, referred or
// organic.
type Cohort struct {
	Month      string // YYYY-MM
	Referred   bool
	Members    int64
	Eligible   int64 // members who signed up at least the retention window before the refresh
	Retained   int64 // eligible members last seen at least the retention window after signing up
	Purchasers int64 // members with a purchase event
	Values     []CohortValue
}

// CohortValue is the summed amount of a cohort's purchases in one currency.
type CohortValue struct {
	Currency string
	Amount   int64
}

// AnalyticsDay is one UTC day of the growth rollups.
type AnalyticsDay struct {
	Day             string // YYYY-MM-DD
	Clicks          int64  // human clicks
	UniqueClicks    int64  // distinct (participant, ip_hash) pairs among them
	OrganicSignups  int64
	ReferredSignups int64
	Verified        int64 // referrals whose referee verified their email this day
	Converted       int64 // referrals whose referee made their first purchase this day
}

// AnalyticsMonth is one UTC month of signups, summed from the daily
// rollups.
type AnalyticsMonth struct {
	Month           string // YYYY-MM
	OrganicSignups  int64
	ReferredSignups int64
}

// RewardTotal is how many rewards of one kind and currency were issued,
// and their summed amount (cents for money, points or days otherwise).
type RewardTotal struct {
	Day      string // "" when summed over a period
	Kind     string
	Currency string
	Rewards  int64
	Amount   int64
}

// AnalyticsRefreshed says when the rollups were last refreshed; zero for
// never.
type AnalyticsRefreshed struct {
	Days, Cohorts time.Time
}

// TopReferrer is a referrer's referred signups in a period and their
// quality: how many of those referees have verified their email and how
// many have made a purchase, as of now.
type TopReferrer struct {
	ParticipantID int64
	Name          string // username, the API participant's name, or "" for a deleted account
	Code          string
	Referrals     int64
	Verified      int64
	Converted     int64
}

// RewardCount is how many earned ledger entries (not clawbacks or
// redemptions) have one status and kind.
type RewardCount struct {
	Status string
	Kind   string
	Count  int64
}

// ProgramTotals are counts over the whole program.
type ProgramTotals struct {
	Participants int64 // deleted accounts left out
	Referrals    int64
	Clicks       int64 // human clicks, including ones reduced to daily counts
	Rewards      []RewardCount
	// Outstanding is what participants hold in points and credit, per
	// currency: available (not yet spent) and pending.
	Outstanding []Balance
}
