package core

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// brandTTL is how long an instance reuses the branding it read; another
// instance's change reaches it within this. Every page reads the branding,
// so it is cached like the program.
const brandTTL = 5 * time.Second

// brandCache keeps the current branding, and the logo's bytes by their
// hash. Readers load snapshots without locking; a stale branding is
// reloaded under mu.
type brandCache struct {
	mu   sync.Mutex
	snap atomic.Pointer[brandSnapshot]
	logo atomic.Pointer[logoBytes]
}

type brandSnapshot struct {
	b      referralhub.Branding
	loaded time.Time
}

func (snap *brandSnapshot) fresh(now time.Time) bool {
	return snap != nil && now.Sub(snap.loaded) < brandTTL && !now.Before(snap.loaded)
}

// logoBytes is a logo as served; its hash never changes its bytes.
type logoBytes struct {
	logo referralhub.Logo
	data []byte
}

// Branding returns the current branding, at most brandTTL old: the
// defaults until an admin saves it.
func (s *Service) Branding(ctx context.Context) (referralhub.Branding, error) {
	now := s.now()
	if snap := s.brand.snap.Load(); snap.fresh(now) {
		return snap.b, nil
	}
	s.brand.mu.Lock()
	defer s.brand.mu.Unlock()
	if snap := s.brand.snap.Load(); snap.fresh(now) {
		return snap.b, nil
	}
	b, err := loadBranding(ctx, s.db.Read())
	if err != nil {
		return b, err
	}
	s.brand.snap.Store(&brandSnapshot{b: b, loaded: now})
	return b, nil
}

// BrandingOrDefault is the current branding, or the defaults when it
// cannot be read: a page or a mail still goes out looking right.
func (s *Service) BrandingOrDefault(ctx context.Context) referralhub.Branding {
	b, err := s.Branding(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "branding unavailable, using the defaults", "err", err)
		return referralhub.DefaultBranding()
	}
	return b
}

func loadBranding(ctx context.Context, q *storage.Queries) (referralhub.Branding, error) {
	b, err := q.Branding(ctx)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return referralhub.DefaultBranding(), nil
	}
	return b, err
}

// BrandLogo returns the uploaded logo and its bytes, ENOTFOUND when there
// is none. The bytes are kept in memory until the logo changes.
func (s *Service) BrandLogo(ctx context.Context) (referralhub.Logo, []byte, error) {
	b, err := s.Branding(ctx)
	if err != nil {
		return referralhub.Logo{}, nil, err
	}
	if b.Logo.Hash == "" {
		return b.Logo, nil, referralhub.Errorf(referralhub.ENOTFOUND, "There is no logo.")
	}
	if cached := s.brand.logo.Load(); cached != nil && cached.logo.Hash == b.Logo.Hash {
		return cached.logo, cached.data, nil
	}
	logo, data, err := s.db.Read().BrandLogo(ctx)
	if err != nil {
		return logo, nil, err
	}
	s.brand.logo.Store(&logoBytes{logo: logo, data: data})
	return logo, data, nil
}

// BrandingChange is an admin's edit of the branding: Branding's texts,
// colour and share messages (its Logo and Updated fields are ignored), and
// the logo: Logo holds a new upload, RemoveLogo drops the current one, and
// neither keeps it.
type BrandingChange struct {
	Branding   referralhub.Branding
	Logo       []byte
	RemoveLogo bool
}

// SaveBranding validates and saves an admin's change of the branding,
// recording it in the audit log in the same transaction. Mistakes are
// field errors named after the form's fields (see ValidateBranding).
func (s *Service) SaveBranding(ctx context.Context, admin referralhub.User, c BrandingChange) (referralhub.Branding, error) {
	if !admin.IsAdmin {
		return c.Branding, referralhub.Errorf(referralhub.EFORBIDDEN, "Only admins can change the branding.")
	}
	b := NormalizeBranding(c.Branding)
	logo, err := checkBrandingChange(b, c)
	if err != nil {
		return b, err
	}
	now := s.now()
	err = s.db.InTx(ctx, func(q *storage.Queries) error {
		cur, err := loadBranding(ctx, q)
		if err != nil {
			return err
		}
		if err := q.SaveBranding(ctx, b, admin.ID, now); err != nil {
			return err
		}
		b.Logo = cur.Logo
		if c.Logo != nil || c.RemoveLogo {
			b.Logo = logo
			if err := q.SetBrandLogo(ctx, logo, c.Logo); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, admin, "branding.save", "branding", brandingSummary(cur, b), now)
	})
	if err != nil {
		return b, err
	}
	s.brand.snap.Store(nil)
	b.UpdatedBy, b.UpdatedAt = admin.Username, now
	s.log.InfoContext(ctx, "branding saved", "admin_id", admin.ID)
	return b, nil
}

// checkBrandingChange validates the texts and the new logo together, so
// the admin sees every mistake at once, and describes the logo.
func checkBrandingChange(b referralhub.Branding, c BrandingChange) (referralhub.Logo, error) {
	fe := referralhub.FieldErrors{}
	for name, msg := range referralhub.ErrorFields(ValidateBranding(b)) {
		fe.Add(name, msg)
	}
	var logo referralhub.Logo
	if c.Logo != nil {
		var msg string
		if logo, msg = CheckLogo(c.Logo); msg != "" {
			fe.Add("logo", msg)
		}
	}
	return logo, fe.Err()
}
