// Package web is the hosted site: server-rendered pages for signup, login,
// the dashboard and the admin area, and the referral-link redirect. It holds
// no business rules; it turns HTTP into calls on the core and back.
package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/referralhub/referralhub/internal/cache"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/metrics"
)

// Config is what the web face needs to know about its deployment.
type Config struct {
	BaseURL   string    // scheme://host[:port] used in every link, no trailing slash
	RateLimit RateLimit // the zero value limits nothing
	// API is the JSON API at /api/v1/; nil answers every API path with a JSON 404.
	API http.Handler
	// StripeWebhook receives Stripe's events at POST
	// /integrations/stripe/webhook; nil answers that path with a JSON 404.
	StripeWebhook StripeWebhook
	// ReadyChecks are the dependencies /readyz checks beside the database.
	ReadyChecks []ReadyCheck
	// ClicksReady says whether referral links can be served and their
	// clicks kept, for /readyz?scope=clicks: nil while they can (the click
	// buffer's Ready). Nil means they always can.
	ClicksReady func() error
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; empty (the default) ignores them.
	TrustedProxies []netip.Prefix
	// Metrics, when set, measures every request. /metrics is served only
	// with a MetricsToken, which callers must send as a bearer token.
	Metrics      *metrics.Metrics
	MetricsToken string
	// HSTS sends Strict-Transport-Security on every response: the site is
	// only ever reached over https (production with an https base URL).
	HSTS bool
}

// Server serves the hosted site. Create it with New.
type Server struct {
	svc       *core.Service
	db        Database // for the readiness check only
	cfg       Config
	pages     *pages
	assets    *assets
	log       *slog.Logger
	now       func() time.Time
	qr        *cache.Cache[string, template.HTML] // QR codes by link: a link never changes its picture
	fragments fragments                           // the dashboard's rendered pieces
	fonts     *previewFonts                       // the link preview image's fonts
	previews  *cache.Cache[string, []byte]        // link preview images by ETag
	secure    bool                                // cookies carry Secure: the base URL is https
	schema    schemaCheck                         // /readyz's cached schema check
	proxies   proxies                             // whose forwarding headers are believed
	handler   http.Handler
}

// New returns a Server; it parses every template and fails if one is broken.
func New(cfg Config, svc *core.Service, db Database, log *slog.Logger, now func() time.Time) (*Server, error) {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	p, err := parsePages(a)
	if err != nil {
		return nil, err
	}
	fonts, err := loadPreviewFonts()
	if err != nil {
		return nil, err
	}
	s := &Server{svc: svc, db: db, cfg: cfg, pages: p, assets: a, log: log, now: now, qr: cache.New[string, template.HTML](0, 10_000),
		secure: strings.HasPrefix(cfg.BaseURL, "https://"), proxies: proxies(cfg.TrustedProxies),
		fonts: fonts, previews: cache.New[string, []byte](24*time.Hour, maxPreviews), fragments: newFragments()}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
