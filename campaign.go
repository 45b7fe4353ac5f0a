package referralhub

import "time"

// DefaultCampaignID is the campaign every participant belongs to unless
// enrolled in another: the program as it was before campaigns, made a
// campaign by migration 0039.
const DefaultCampaignID = 1

// DefaultCampaignSlug is the default campaign's slug.
const DefaultCampaignSlug = "default"

// Campaign statuses. An ended campaign rewards nothing new; so does an
// active one outside its dates (see Campaign.RunsAt).
const (
	CampaignActive = "active"
	CampaignEnded  = "ended"
)

// Campaign is one referral program among several: its own rules,
// attribution window, hold, caps, dates and branding texts.
type Campaign struct {
	ID       int64
	Slug     string // lower-case letters, digits and dashes; its link is /c/{slug}
	Name     string
	StartsAt time.Time // zero: from the start
	EndsAt   time.Time // zero: no end
	Status   string    // CampaignActive or CampaignEnded
	// Program holds the campaign's rules and settings (AttributionWindow,
	// Hold, Rules with their caps, NextRuleID), stored as the program's
	// document is. Nil for the default campaign: it runs the program
	// itself (program_versions), so a current install sees no change.
	Program *Program
	// Branding texts, optional: shown on the campaign's signup page.
	Headline    string
	Description string
}

// RunsAt reports whether the campaign rewards events at t: it is active
// and t lies within its dates.
func (c Campaign) RunsAt(t time.Time) bool {
	if c.Status != CampaignActive {
		return false
	}
	if !c.StartsAt.IsZero() && t.Before(c.StartsAt) {
		return false
	}
	return c.EndsAt.IsZero() || t.Before(c.EndsAt)
}

// CampaignRuleBlock spaces the rule ids of campaigns: campaign c numbers
// its rules from c×CampaignRuleBlock+1, so no two campaigns share a rule
// id, the ledger's once-only key (rule, referral, side) and the caps never
// mix them, and a reward's campaign is its rule id's block. The default
// campaign's rules (the program's) stay 1, 2, …
const CampaignRuleBlock = 1_000_000

// CampaignFigures are a campaign's totals for /admin/campaigns.
type CampaignFigures struct {
	CampaignID   int64
	Participants int64         // enrolled in it
	Referrals    int64         // made by its participants
	Conversions  int64         // their referred friends who made a purchase
	Rewards      []RewardTotal // issued under its rules (not cancelled), by kind and currency
}

// IsDefault reports whether c is the default campaign.
func (c Campaign) IsDefault() bool { return c.ID == DefaultCampaignID }
