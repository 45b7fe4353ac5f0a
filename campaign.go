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

// IsDefault reports whether c is the default campaign.
func (c Campaign) IsDefault() bool { return c.ID == DefaultCampaignID }
