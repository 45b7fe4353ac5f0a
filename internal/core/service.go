// Package core holds ReferralHub's rules: accounts, codes, attribution,
// clicks and referrals. It knows no HTTP and no SQL; the web face calls it,
// and it keeps data through the storage package.
package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/cache"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/password"
	"github.com/referralhub/referralhub/internal/storage"
)

// Settings are the program settings the core needs.
type Settings struct {
	PointsPerReferral int64
	AttributionWindow time.Duration
	SessionTTL        time.Duration
	ActiveWindow      time.Duration // "active network": referrals seen within this
	ActiveCacheTTL    time.Duration // how long an active-network count is reused
	ClickRetention    time.Duration // raw clicks older than this are reduced to daily counts; 0 keeps them
	LoginMaxFailures  int           // failed logins that lock an account
	LoginWindow       time.Duration // ...counted within this window
	LoginLockout      time.Duration // ...for this long
	// LeaderboardTTL is how long an instance reuses a leaderboard's top 50;
	// changes made through this instance usually show at once (a board
	// read while the change commits may be kept), others' within it.
	LeaderboardTTL time.Duration
}

// DefaultSettings returns the settings of a fresh install.
func DefaultSettings() Settings {
	return Settings{
		PointsPerReferral: 10,
		AttributionWindow: 720 * time.Hour,
		SessionTTL:        30 * 24 * time.Hour,
		ActiveWindow:      30 * 24 * time.Hour,
		ActiveCacheTTL:    5 * time.Minute,
		ClickRetention:    180 * 24 * time.Hour,
		LoginMaxFailures:  5,
		LoginWindow:       15 * time.Minute,
		LoginLockout:      15 * time.Minute,
		LeaderboardTTL:    2 * time.Second,
	}
}

// Service is the core. Create it with New; it is safe for concurrent use.
type Service struct {
	db       *storage.DB
	settings Settings
	now      func() time.Time
	hasher   *password.Hasher
	newCode  func() string
	keys     keys
	codes    *clicks.CodeCache
	clicks   *clicks.Buffer
	active   *cache.Cache[int64, int64]                        // active-network counts
	pages    *cache.Cache[pageKey, cachedPage]                 // referral list pages
	badges   *cache.Cache[badgeKey, []referralhub.EarnedBadge] // badges per qualified count
	boards   *cache.Cache[string, []storage.BoardRow]          // leaderboard tops by period key
	promos   *cache.Cache[int64, string]                       // participants' Stripe promotion codes, once made
	apiKeys  *cache.Cache[string, referralhub.APIKey]          // verified API keys by hash, briefly (apiKeyTTL)
	// codesSeen is the codes' version at the last CheckCodes; -1 before it.
	codesSeen atomic.Int64
	log       *slog.Logger
	prog      programCache
	brand     brandCache
	ips       *clicks.IPHasher

	baseURL   string
	mailer    mail.Sender
	templates *mail.Templates
	payments  Payments
	webhooks  WebhookSender
	wake      func()

	disposableOnce sync.Once
	disposable     *Disposable
	sightings      *cache.Cache[sightingKey, bool] // sightings recorded lately, not written again
	botUA          *cache.Cache[string, bool]      // user agent -> is it a bot

	dummyOnce sync.Once // a hash to check against when a login names nobody
	dummyHash string

	backtest sync.Mutex // held by the backtest running on this instance
}

// Deps are the Service's collaborators, passed in by cmd/ wiring.
type Deps struct {
	DB        *storage.DB
	Settings  Settings
	Now       func() time.Time // the clock; time.Now in production
	Hasher    *password.Hasher
	SecretKey []byte
	Codes     *clicks.CodeCache
	Clicks    *clicks.Buffer
	IPs       *clicks.IPHasher // hashes IP addresses under rotating salts
	Logger    *slog.Logger
	// NewCode draws referral codes; nil means NewCode. Tests inject
	// collisions with it.
	NewCode func() string
	// BaseURL is the public URL that links in mail start with.
	BaseURL   string
	Mailer    mail.Sender
	Templates *mail.Templates
	// Payments pays rewards out through Stripe; nil when not configured.
	Payments Payments
	// Webhooks makes the attempts of webhook deliveries and checks where
	// they may go (webhook.NewSender).
	Webhooks WebhookSender
	// JobsQueued, when set, is called after a commit that queued jobs, to
	// wake the worker.
	JobsQueued func()
	// Disposable knows throwaway email domains; nil loads the embedded
	// list when first needed.
	Disposable *Disposable
}

// New returns a Service using deps.
func New(deps Deps) *Service {
	if deps.NewCode == nil {
		deps.NewCode = NewCode
	}
	s := &Service{
		db:       deps.DB,
		settings: deps.Settings,
		now:      deps.Now,
		hasher:   deps.Hasher,
		newCode:  deps.NewCode,
		keys:     deriveKeys(deps.SecretKey),
		codes:    deps.Codes,
		clicks:   deps.Clicks,
		ips:      deps.IPs,
		active:   cache.New[int64, int64](deps.Settings.ActiveCacheTTL, 100_000),
		pages:    cache.New[pageKey, cachedPage](10*time.Minute, 10_000),
		badges:   cache.New[badgeKey, []referralhub.EarnedBadge](10*time.Minute, 10_000),
		boards:   cache.New[string, []storage.BoardRow](deps.Settings.LeaderboardTTL, 100),
		promos:   cache.New[int64, string](time.Hour, 100_000),
		apiKeys:  cache.New[string, referralhub.APIKey](apiKeyTTL, maxAPIKeys),
		log:      deps.Logger,

		baseURL:   strings.TrimRight(deps.BaseURL, "/"),
		mailer:    deps.Mailer,
		templates: deps.Templates,
		payments:  deps.Payments,
		webhooks:  deps.Webhooks,
		wake:      deps.JobsQueued,

		disposable: deps.Disposable,
		sightings:  cache.New[sightingKey, bool](sightingGap, 100_000),
		botUA:      cache.New[string, bool](time.Hour, 10_000),
	}
	s.codesSeen.Store(-1)
	return s
}

// Settings returns the settings the service runs with.
func (s *Service) Settings() Settings { return s.settings }

// keys are purpose-bound keys derived from the secret key, so one leaked
// purpose (say, the IP salt) does not forge another (cookies).
type keys struct {
	attribution []byte
	unsubscribe []byte
	// install names this installation in Stripe idempotency keys, so two
	// installs (staging and production, or a restored copy) sharing one
	// Stripe account never replay each other's requests.
	install string
	device  []byte // device ids are stored as keyed hashes
	form    []byte // signs when the signup form was shown
	embed   []byte // signs embed tokens

	// attributionMAC signs with attribution on the click path without
	// allocating.
	attributionMAC *clicks.MAC
}

func deriveKeys(secret []byte) keys {
	k := keys{
		attribution: derive(secret, "referralhub attribution cookie v1"),
		unsubscribe: derive(secret, "referralhub unsubscribe link v1"),
		install:     hex.EncodeToString(derive(secret, "referralhub install id v1")[:6]),
		device:      derive(secret, "referralhub device id v1"),
		form:        derive(secret, "referralhub signup form v1"),
		embed:       derive(secret, "referralhub embed token v1"),
	}
	k.attributionMAC = clicks.NewMAC(k.attribution)
	return k
}

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
