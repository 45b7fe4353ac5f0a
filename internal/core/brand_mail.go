package core

import (
	"context"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/mail"
)

// brandMail gives a mail the branding the site shows: the product name,
// the brand colour with its text colour, and the logo.
func (s *Service) brandMail(ctx context.Context, data *mail.Data) {
	b := s.BrandingOrDefault(ctx)
	p := PaletteOf(b.Color)
	data.SiteName, data.BrandColor, data.BrandText = b.ProductName, p.Brand, p.Text
	if b.Logo.Hash != "" {
		data.LogoURL = s.baseURL + LogoPath(b.Logo)
	}
}

// LogoPath is the logo's URL path, versioned by its hash so that it can
// be cached for good; "" when there is no logo.
func LogoPath(logo referralhub.Logo) string {
	if len(logo.Hash) < 16 {
		return ""
	}
	return "/brand/logo?v=" + logo.Hash[:16]
}
