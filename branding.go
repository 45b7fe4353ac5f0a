package referralhub

import "time"

// Branding is how the program looks and speaks everywhere: the site's
// header, the landing page, the dashboard's share links and every mail.
// An admin sets it at /admin/branding; until then DefaultBranding applies.
type Branding struct {
	ProductName string // shown in the header, page titles and mails
	Color       string // the brand colour, "#rrggbb" in lower case
	Headline    string // the landing page's headline
	LandingText string // the landing page's text under the headline
	Share       ShareMessages
	Logo        Logo      // the zero Logo: none was uploaded
	UpdatedBy   string    // the admin who saved it last, "" for the defaults
	UpdatedAt   time.Time // zero for the defaults
}

// ShareMessages are the texts pre-filled in the dashboard's share links,
// one per channel. In each, {link} becomes the participant's referral link
// and {name} their username.
type ShareMessages struct {
	X, Facebook, LinkedIn, WhatsApp, Email string
}

// Logo describes an uploaded logo; its bytes are served at /brand/logo.
type Logo struct {
	ContentType   string // image/png, image/jpeg or image/gif
	Width, Height int    // in pixels
	// Hash is the hex SHA-256 of the bytes: the logo's version in URLs and
	// ETags. It is "" when there is no logo.
	Hash string
}

// DefaultBrandColor is the colour of a fresh install, the site's indigo.
const DefaultBrandColor = "#4f46e5"

// DefaultBranding is the branding of a fresh install.
func DefaultBranding() Branding {
	const invite = "Join me and we both get rewarded: {link}"
	return Branding{
		ProductName: "ReferralHub",
		Color:       DefaultBrandColor,
		Headline:    "Share the love. Get rewarded.",
		LandingText: "Invite your friends with your personal link. When they join, you earn points, " +
			"and your network grows with every share.",
		Share: ShareMessages{X: invite, Facebook: invite, LinkedIn: invite, WhatsApp: invite,
			Email: "Hi! {name} here. Join me through my link and we both get rewarded: {link}"},
	}
}
