package core

import (
	"time"

	"github.com/referralhub/referralhub"
)

// Campaign limits.
const (
	maxCampaignSlug = 40
	maxCampaignText = 500
)

// validateCampaign checks a campaign an admin submitted, its program
// checked as the program would be with the campaign's rules and
// settings in place of its own (base supplies the rest). Field errors are
// named "slug", "name", "starts_at", "ends_at", "headline", "description",
// and the program's ("attribution_window", "hold", "rule.N.FIELD").
func validateCampaign(c referralhub.Campaign, base referralhub.Program) error {
	if err := validateCampaignFields(c); err != nil {
		return err
	}
	p := base
	p.AttributionWindow, p.Hold, p.Rules = c.Program.AttributionWindow, c.Program.Hold, c.Program.Rules
	return ValidateProgram(p)
}

// validateCampaignFields checks a campaign's own fields.
func validateCampaignFields(c referralhub.Campaign) error {
	fe := referralhub.FieldErrors{}
	if !validCampaignSlug(c.Slug) {
		fe.Add("slug", "Give a slug of up to 40 lower-case letters, digits and dashes, such as spring-2027.")
	}
	if c.Name == "" || len(c.Name) > 100 || !IsText(c.Name) {
		fe.Add("name", "Give the campaign a name of up to 100 characters.")
	}
	if !c.StartsAt.IsZero() && !c.EndsAt.IsZero() && !c.EndsAt.After(c.StartsAt) {
		fe.Add("ends_at", "The campaign ends after it starts.")
	}
	if len(c.Headline) > maxCampaignText || !IsText(c.Headline) {
		fe.Add("headline", "The headline is up to 500 characters.")
	}
	if len(c.Description) > 4*maxCampaignText || !IsText(c.Description) {
		fe.Add("description", "The description is up to 2000 characters.")
	}
	return fe.Err()
}

// validCampaignSlug reports whether slug may name a campaign in a link:
// 1 to 40 lower-case ASCII letters, digits and dashes, not starting or
// ending with a dash.
func validCampaignSlug(slug string) bool {
	if slug == "" || len(slug) > maxCampaignSlug || slug[0] == '-' || slug[len(slug)-1] == '-' {
		return false
	}
	for _, r := range slug {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// ParseCampaignDate reads a campaign date from a form or the API:
// "2027-03-01" (midnight UTC) or an RFC 3339 time; "" is no date.
func ParseCampaignDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true
	}
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC(), err == nil
}
