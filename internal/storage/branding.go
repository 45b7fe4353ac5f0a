package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
)

// errNoBranding is what the branding reads return before the first save.
func errNoBranding() error {
	return referralhub.Errorf(referralhub.ENOTFOUND, "The branding was never saved.")
}

// Branding returns the saved branding without the logo's bytes, or
// ENOTFOUND when an admin never saved it.
func (q *Queries) Branding(ctx context.Context) (referralhub.Branding, error) {
	var b referralhub.Branding
	s := &b.Share
	err := q.queryRow(ctx, `/* Branding */ SELECT b.product_name, b.color, b.headline, b.landing_text,
		b.share_x, b.share_facebook, b.share_linkedin, b.share_whatsapp, b.share_email,
		b.logo_type, b.logo_width, b.logo_height, b.logo_hash, COALESCE(u.username, ''), b.updated_at
		FROM branding b LEFT JOIN users u ON u.id = b.updated_by WHERE b.id = 1`).
		Scan(&b.ProductName, &b.Color, &b.Headline, &b.LandingText, &s.X, &s.Facebook, &s.LinkedIn, &s.WhatsApp, &s.Email,
			&b.Logo.ContentType, &b.Logo.Width, &b.Logo.Height, &b.Logo.Hash, &b.UpdatedBy, &b.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return b, errNoBranding()
	}
	if err != nil {
		return b, fmt.Errorf("branding: %w", err)
	}
	b.UpdatedAt = b.UpdatedAt.UTC()
	return b, nil
}

// SaveBranding stores b's texts and colour, changed by the user changedBy,
// creating the row on the first save. The logo is left as it is: see
// SetBrandLogo.
func (q *Queries) SaveBranding(ctx context.Context, b referralhub.Branding, changedBy int64, now time.Time) error {
	s := b.Share
	_, err := q.exec(ctx, `/* SaveBranding */ INSERT INTO branding (id, product_name, color, headline, landing_text,
		share_x, share_facebook, share_linkedin, share_whatsapp, share_email, updated_by, updated_at)
		VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (id) DO UPDATE SET product_name = excluded.product_name, color = excluded.color,
		headline = excluded.headline, landing_text = excluded.landing_text, share_x = excluded.share_x,
		share_facebook = excluded.share_facebook, share_linkedin = excluded.share_linkedin,
		share_whatsapp = excluded.share_whatsapp, share_email = excluded.share_email,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		b.ProductName, b.Color, b.Headline, b.LandingText, s.X, s.Facebook, s.LinkedIn, s.WhatsApp, s.Email,
		nullID(changedBy), q.ts(now))
	if err != nil {
		return fmt.Errorf("save branding: %w", err)
	}
	return nil
}

// SetBrandLogo replaces the logo of the saved branding with data, described
// by logo; a nil data removes it. The branding must have been saved.
func (q *Queries) SetBrandLogo(ctx context.Context, logo referralhub.Logo, data []byte) error {
	var blob any // NULL, not an empty blob, when there is no logo
	if data != nil {
		blob = data
	} else {
		logo = referralhub.Logo{}
	}
	res, err := q.exec(ctx, `/* SetBrandLogo */ UPDATE branding SET logo = $1, logo_type = $2, logo_width = $3,
		logo_height = $4, logo_hash = $5 WHERE id = 1`, blob, logo.ContentType, logo.Width, logo.Height, logo.Hash)
	if err != nil {
		return fmt.Errorf("set brand logo: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return errNoBranding()
	}
	return nil
}

// BrandLogo returns the logo with its bytes, or ENOTFOUND when there is
// none.
func (q *Queries) BrandLogo(ctx context.Context) (referralhub.Logo, []byte, error) {
	var (
		logo referralhub.Logo
		data []byte
	)
	err := q.queryRow(ctx, `/* BrandLogo */ SELECT logo_type, logo_width, logo_height, logo_hash, logo
		FROM branding WHERE id = 1 AND logo IS NOT NULL`).
		Scan(&logo.ContentType, &logo.Width, &logo.Height, &logo.Hash, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return logo, nil, referralhub.Errorf(referralhub.ENOTFOUND, "There is no logo.")
	}
	if err != nil {
		return logo, nil, fmt.Errorf("brand logo: %w", err)
	}
	return logo, data, nil
}
