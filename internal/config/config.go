// Package config reads ReferralHub's configuration from REFERRALHUB_*
// environment variables, lets command-line flags override them and
// validates the result, naming the variable at fault.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	netmail "net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/ratelimit"
)

// Config is the validated configuration.
type Config struct {
	Addr              string
	BaseURL           string
	BaseURLFromAddr   bool // BaseURL was made from Addr (development, no REFERRALHUB_BASE_URL): see ForListener
	DatabaseURL       string
	SecretKey         string // may be empty in development: see EnsureSecret
	SecretKeyFile     string
	Env               string // "development" or "production"
	PointsPerReferral int64
	AttributionWindow time.Duration
	LogFormat         string // "text" or "json"
	SMTPURL           string // smtp://user:pass@host:port or smtps://...; "" writes mail to the log
	MailFrom          string
	StripeSecretKey   string // "" turns Stripe fulfilment off
	StripeAPIBase     string // "" is Stripe's own API; set it to point at stripe-mock
	JobLease          time.Duration
	IPSaltPeriod      time.Duration // how often the salt of IP hashes rotates
	ClickRetention    time.Duration // clicks older than this are reduced to daily counts
	DisposableDomains []string      // added to the embedded list of disposable email domains
	DataDir           string        // local state: the click spool, and in development the generated secret key
	ClickSpoolBytes   int64         // the click spool's size limit

	RateLimits ratelimit.Limits // per route; a Limit that is off ("off") limits nothing
	RedisURL   string           // "" keeps rate limits in memory; never logged

	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; empty ignores those headers.
	TrustedProxies []netip.Prefix

	MetricsToken string // bearer token for /metrics on Addr; "" serves no /metrics there; never logged
	MetricsAddr  string // "" for none, or host:port of a separate listener serving /metrics without a token

	// StripeWebhookSecret is the Stripe webhook endpoint's signing secret
	// ("whsec_…"), or StripeWebhookSecretFile names a file holding it: see
	// LoadStripeWebhookSecret. Neither is logged.
	StripeWebhookSecret     string
	StripeWebhookSecretFile string
	// WebhookAllowPrivate lets webhooks go to loopback, private,
	// link-local, CGNAT, multicast and unspecified addresses.
	WebhookAllowPrivate bool
	// AllowHTTPBaseURL lets production run on an http:// base URL (TLS
	// ended elsewhere on a private network).
	AllowHTTPBaseURL bool

	// DatabaseReadURL points the reads that may lag (dashboards' figures,
	// leaderboards, analytics) at a PostgreSQL streaming replica; "" keeps
	// them on DatabaseURL. Never logged.
	DatabaseReadURL string
}

// Production reports whether the server runs in production mode.
func (c Config) Production() bool { return c.Env == "production" }

// setting is one configuration value: its variable, its flag and default.
type setting struct {
	env, flag, def, usage string
	set                   func(c *Config, v string) error
}

func settings() []setting {
	return []setting{
		{"REFERRALHUB_ADDR", "addr", "127.0.0.1:8080", "address to listen on", setAddr},
		{"REFERRALHUB_BASE_URL", "base-url", "", "public URL used in every link (default in development: http:// and the listen address)", setBaseURL},
		{"REFERRALHUB_DATABASE_URL", "database-url", "sqlite:data/referralhub.db", "sqlite:PATH or postgres://...", setDatabaseURL},
		{"REFERRALHUB_DATABASE_READ_URL", "", "", "postgres://... of a streaming replica for the reads that may lag (never logged)", setDatabaseReadURL},
		{"REFERRALHUB_DATA_DIR", "data-dir", "data", "directory for local state: the click spool (and the development secret key)", setDataDir},
		{"REFERRALHUB_CLICK_SPOOL_MB", "click-spool-mb", "2048", "size limit of the click spool, in MiB", setSpoolMB},
		{"REFERRALHUB_SECRET_KEY", "", "", "secret key (never logged)", func(c *Config, v string) error { c.SecretKey = v; return nil }},
		{"REFERRALHUB_SECRET_KEY_FILE", "secret-key-file", "", "file holding the secret key", func(c *Config, v string) error { c.SecretKeyFile = v; return nil }},
		{"REFERRALHUB_ENV", "env", "development", "development or production", setEnv},
		{"REFERRALHUB_POINTS_PER_REFERRAL", "points-per-referral", "10", "points per referral", setPoints},
		{"REFERRALHUB_ATTRIBUTION_WINDOW", "attribution-window", "720h", "how long a click counts", setWindow},
		{"REFERRALHUB_LOG_FORMAT", "log-format", "text", "text or json", setLogFormat},
		{"REFERRALHUB_SMTP_URL", "", "", "SMTP server for mail (never logged)", setSMTPURL},
		{"REFERRALHUB_MAIL_FROM", "mail-from", "ReferralHub <noreply@localhost>", "From address of mail", setMailFrom},
		{"REFERRALHUB_STRIPE_SECRET_KEY", "", "", "Stripe secret key (never logged)", func(c *Config, v string) error { c.StripeSecretKey = v; return nil }},
		{"REFERRALHUB_STRIPE_API_BASE", "stripe-api-base", "", "Stripe API base URL, for stripe-mock", setStripeAPIBase},
		{"REFERRALHUB_STRIPE_WEBHOOK_SECRET", "", "", "Stripe webhook signing secret (never logged)", setStripeWebhookSecret},
		{"REFERRALHUB_STRIPE_WEBHOOK_SECRET_FILE", "stripe-webhook-secret-file", "", "file holding the Stripe webhook signing secret", func(c *Config, v string) error { c.StripeWebhookSecretFile = v; return nil }},
		{"REFERRALHUB_JOB_LEASE", "job-lease", "2m", "how long a job may run before another worker retries it", setJobLease},
		{"REFERRALHUB_IP_SALT_PERIOD", "ip-salt-period", "24h", "how often the salt of IP hashes rotates", setSaltPeriod},
		{"REFERRALHUB_CLICK_RETENTION", "click-retention", "4320h", "clicks older than this are reduced to daily counts", setRetention},
		{"REFERRALHUB_DISPOSABLE_DOMAINS", "disposable-domains", "", "extra disposable email domains, comma-separated", setDisposable},
		{"REFERRALHUB_RATE_LIMIT_SIGNUP", "rate-limit-signup", "5/1m", "signups per IP (count/duration or off)", setLimit(func(l *ratelimit.Limits) *ratelimit.Limit { return &l.Signup })},
		{"REFERRALHUB_RATE_LIMIT_LOGIN", "rate-limit-login", "20/1m", "logins per IP; half as many per account", setLimit(func(l *ratelimit.Limits) *ratelimit.Limit { return &l.Login })},
		{"REFERRALHUB_RATE_LIMIT_CLICK", "rate-limit-click", "120/1m", "referral link clicks per IP", setLimit(func(l *ratelimit.Limits) *ratelimit.Limit { return &l.Click })},
		{"REFERRALHUB_RATE_LIMIT_VERIFY", "rate-limit-verify", "5/1h", "verification mails per user, password resets per IP", setLimit(func(l *ratelimit.Limits) *ratelimit.Limit { return &l.Verify })},
		{"REFERRALHUB_RATE_LIMIT_API", "rate-limit-api", "600/1m", "JSON API requests per key", setLimit(func(l *ratelimit.Limits) *ratelimit.Limit { return &l.API })},
		{"REFERRALHUB_REDIS_URL", "", "", "Redis for shared rate limits (never logged)", setRedisURL},
		{"REFERRALHUB_TRUSTED_PROXIES", "trusted-proxies", "", "reverse proxies whose X-Forwarded-* headers are believed: IPs or CIDRs, comma-separated", setTrustedProxies},
		{"REFERRALHUB_METRICS_TOKEN", "", "", "bearer token guarding /metrics on the main listener (never logged)", setMetricsToken},
		{"REFERRALHUB_METRICS_ADDR", "metrics-addr", "", "separate host:port serving /metrics without a token", setMetricsAddr},
		{"REFERRALHUB_WEBHOOK_ALLOW_PRIVATE", "webhook-allow-private", "false", "let webhooks go to private, loopback and link-local addresses (true or false)",
			setBool(func(c *Config) *bool { return &c.WebhookAllowPrivate })},
		{"REFERRALHUB_ALLOW_HTTP_BASE_URL", "allow-http-base-url", "false", "let production run on an http:// base URL (true or false)",
			setBool(func(c *Config) *bool { return &c.AllowHTTPBaseURL })},
	}
}

// Load reads the configuration from getenv, then from flags in args that
// override it; fs gets a flag for every setting that has one. It returns
// the remaining arguments.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, []string, error) {
	raw := readEnv(getenv)
	for _, s := range settings() {
		if s.flag != "" {
			fs.StringVar(raw[s.env], s.flag, *raw[s.env], s.usage+" ("+s.env+")")
		}
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}
	c, err := build(raw)
	return c, fs.Args(), err
}

// FromEnv reads the configuration from getenv alone, for the commands
// that take no configuration flags.
func FromEnv(getenv func(string) string) (Config, error) {
	return build(readEnv(getenv))
}

// readEnv is every setting's raw value by variable: the variable's value,
// or the setting's default when it is empty.
func readEnv(getenv func(string) string) map[string]*string {
	raw := map[string]*string{}
	for _, s := range settings() {
		v := getenv(s.env)
		if v == "" {
			v = s.def
		}
		raw[s.env] = &v
	}
	return raw
}

// build sets and validates every setting from raw.
func build(raw map[string]*string) (Config, error) {
	var c Config
	for _, s := range settings() {
		if err := s.set(&c, strings.TrimSpace(*raw[s.env])); err != nil {
			return Config{}, fmt.Errorf("%s: %w", s.env, err)
		}
	}
	if err := c.validate(); err != nil {
		return Config{}, err
	}
	if c.BaseURL == "" {
		c.BaseURL, c.BaseURLFromAddr = BaseURLFor(c.Addr), true
	}
	return c, nil
}

// validate checks rules that involve more than one value.
func (c Config) validate() error {
	if err := c.validateMetrics(); err != nil {
		return err
	}
	if c.DatabaseReadURL != "" && strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		return errors.New("REFERRALHUB_DATABASE_READ_URL: a read replica needs PostgreSQL in REFERRALHUB_DATABASE_URL")
	}
	if !c.Production() {
		return nil
	}
	if c.SecretKey == "" && c.SecretKeyFile == "" {
		return errors.New("REFERRALHUB_SECRET_KEY (or REFERRALHUB_SECRET_KEY_FILE): required when REFERRALHUB_ENV=production")
	}
	if c.BaseURL == "" {
		return errors.New("REFERRALHUB_BASE_URL (or --base-url): required when REFERRALHUB_ENV=production")
	}
	return c.validateProductionBaseURL()
}

func setAddr(c *Config, v string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("must be host:port, like 127.0.0.1:8080 (got %q)", v)
	}
	c.Addr = v
	return nil
}

// setBaseURL sets the base URL; left empty, build makes it from the
// address (development) or refuses (production).
func setBaseURL(c *Config, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return fmt.Errorf("must be an http or https URL with no path, like https://refer.example.com (got %q)", v)
	}
	c.BaseURL = strings.TrimRight(v, "/")
	return nil
}

func setDatabaseURL(c *Config, v string) error {
	switch {
	case strings.HasPrefix(v, "sqlite:") && len(v) > len("sqlite:"):
	case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
	default:
		return fmt.Errorf("must be sqlite:PATH or postgres://... (got %q)", redact(v))
	}
	c.DatabaseURL = v
	return nil
}

func setDatabaseReadURL(c *Config, v string) error {
	if v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
		return fmt.Errorf("must be postgres://... (got %q)", redact(v))
	}
	c.DatabaseReadURL = v
	return nil
}

func setDataDir(c *Config, v string) error {
	if v == "" {
		return errors.New("must name a directory")
	}
	c.DataDir = v
	return nil
}

func setSpoolMB(c *Config, v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > 1<<20 {
		return fmt.Errorf("must be a whole number of MiB from 1 to 1048576, like 2048 (got %q)", v)
	}
	c.ClickSpoolBytes = n << 20
	return nil
}

func setEnv(c *Config, v string) error {
	if v != "development" && v != "production" {
		return fmt.Errorf("must be development or production (got %q)", v)
	}
	c.Env = v
	return nil
}

func setPoints(c *Config, v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > 1_000_000 {
		return fmt.Errorf("must be a whole number from 0 to 1000000 (got %q)", v)
	}
	c.PointsPerReferral = n
	return nil
}

func setWindow(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Minute {
		return fmt.Errorf("must be a duration of at least 1m, like 720h (got %q)", v)
	}
	c.AttributionWindow = d
	return nil
}

func setLogFormat(c *Config, v string) error {
	if v != "text" && v != "json" {
		return fmt.Errorf("must be text or json (got %q)", v)
	}
	c.LogFormat = v
	return nil
}

// redact hides a password in a URL so it never reaches a log or an error.
func redact(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return v
	}
	return u.Redacted()
}

func setSMTPURL(c *Config, v string) error {
	if v != "" {
		if err := mail.ValidateURL(v); err != nil {
			return err
		}
	}
	c.SMTPURL = v
	return nil
}

func setMailFrom(c *Config, v string) error {
	if _, err := netmail.ParseAddress(v); err != nil {
		return fmt.Errorf("must be an address like \"Acme <noreply@acme.test>\" (got %q)", v)
	}
	c.MailFrom = v
	return nil
}

func setStripeAPIBase(c *Config, v string) error {
	if v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("must be an http or https URL, like http://127.0.0.1:12111 (got %q)", v)
		}
	}
	c.StripeAPIBase = v
	return nil
}

func setJobLease(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || d > time.Hour {
		return fmt.Errorf("must be a duration from 1s to 1h, like 2m (got %q)", v)
	}
	c.JobLease = d
	return nil
}

func setSaltPeriod(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Hour || d > 30*24*time.Hour {
		return fmt.Errorf("must be a duration from 1h to 720h, like 24h (got %q)", v)
	}
	c.IPSaltPeriod = d
	return nil
}

func setRetention(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 24*time.Hour {
		return fmt.Errorf("must be a duration of at least 24h, like 4320h for 180 days (got %q)", v)
	}
	c.ClickRetention = d
	return nil
}

func setDisposable(c *Config, v string) error {
	c.DisposableDomains = nil
	for _, d := range strings.Split(v, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if strings.ContainsAny(d, "@/ ") || !strings.Contains(d, ".") {
			return fmt.Errorf("must be domain names separated by commas, like mailinator.com,example.test (got %q)", d)
		}
		c.DisposableDomains = append(c.DisposableDomains, d)
	}
	return nil
}

// setLimit sets the rate limit that field picks out.
func setLimit(field func(*ratelimit.Limits) *ratelimit.Limit) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		l, err := ratelimit.Parse(v)
		if err != nil {
			return err
		}
		*field(&c.RateLimits) = l
		return nil
	}
}

func setRedisURL(c *Config, v string) error {
	if v != "" {
		if _, err := ratelimit.ParseRedisURL(v); err != nil {
			return err
		}
	}
	c.RedisURL = v
	return nil
}

// setBool sets the boolean field picks out from "true" or "false".
func setBool(field func(*Config) *bool) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		switch strings.ToLower(v) {
		case "true":
			*field(c) = true
		case "false":
			*field(c) = false
		default:
			return fmt.Errorf("must be true or false (got %q)", v)
		}
		return nil
	}
}
