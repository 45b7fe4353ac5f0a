package web

import (
	"bytes"
	"fmt"
	"html/template"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/cache"
)

// fragments keeps the rendered pieces of the dashboard that stay the same
// from one load to the next: its share card and its page of referrals.
// Each is keyed by exactly what it shows, so a change to any of it (a new
// referral, a new username, new share messages) is a new key and renders
// afresh on the next load, on every instance; nothing needs forgetting.
type fragments struct {
	shares    *cache.Cache[shareCardKey, template.HTML]
	referrals *cache.Cache[referralListKey, template.HTML]
}

// How many rendered fragments are kept (about 15 KB per share card with
// its QR code, 5 KB per page of referrals), and for how long: their keys
// change with their content, so the time only bounds memory held for
// people who no longer look.
const (
	maxFragments = 2_000
	fragmentTTL  = 10 * time.Minute
)

func newFragments() fragments {
	return fragments{shares: cache.New[shareCardKey, template.HTML](fragmentTTL, maxFragments),
		referrals: cache.New[referralListKey, template.HTML](fragmentTTL, maxFragments)}
}

// shareCardKey is everything the share card shows: the link (and with it
// the code and the QR code), the username and the branding's share texts.
type shareCardKey struct {
	link, username, product string
	messages                referralhub.ShareMessages
}

// referralListKey names one rendering of a page of referrals: the rows
// the core handed over (its page cache returns the same slice until the
// referral count changes or a referred user is deleted, and a fresh read
// is a new slice) and the paging around them.
type referralListKey struct {
	rows        *referralhub.ReferredUser // the page's first row; nil for none
	page, pages int
}

// shareCard returns the dashboard's share card for view, rendering it only
// when something on it changed.
func (s *Server) shareCard(view dashboardView, username string, brand referralhub.Branding) (template.HTML, error) {
	key := shareCardKey{link: view.Link, username: username, product: brand.ProductName, messages: brand.Share}
	return renderFragment(s, s.fragments.shares, key, "share_card", func() any {
		view.Share, view.ShareTitle = shareLinks(view.Link, username, brand), shareTitle(brand)
		view.QR = s.qrFor(withChannel(view.Link, "qr"))
		return view
	})
}

// referralList returns the dashboard's page of referrals for view,
// rendering it only when the page changed.
func (s *Server) referralList(view dashboardView) (template.HTML, error) {
	key := referralListKey{page: view.Page, pages: view.Pages}
	if len(view.Referrals) > 0 {
		key.rows = &view.Referrals[0]
	}
	return renderFragment(s, s.fragments.referrals, key, "referral_list", func() any {
		view.Rows = referralRows(view.Dashboard)
		return view
	})
}

// renderFragment executes the dashboard's block with what data returns, or
// returns what it rendered before under key.
func renderFragment[K comparable](s *Server, c *cache.Cache[K, template.HTML], key K, block string, data func() any) (template.HTML, error) {
	now := s.now()
	if html, ok := c.Get(key, now); ok {
		return html, nil
	}
	var buf bytes.Buffer
	if err := s.pages.byName["dashboard"].ExecuteTemplate(&buf, block, data()); err != nil {
		return "", fmt.Errorf("render %s: %w", block, err)
	}
	html := template.HTML(buf.String()) // #nosec G203 -- html/template's own escaped output
	c.Put(key, html, now)
	return html, nil
}
