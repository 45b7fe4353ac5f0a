package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/config"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/password"
	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/reqid"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/web"
	"github.com/referralhub/referralhub/internal/webhook"
	"github.com/referralhub/referralhub/internal/worker"
)

// app is the wired program: configuration, storage, the core and its
// job worker.
type app struct {
	cfg    config.Config
	log    *slog.Logger
	db     *storage.DB
	svc    *core.Service
	clicks *clicks.Buffer
	worker *worker.Worker

	rateLimit web.RateLimit
	redis     *redis.Client // nil when rate limits live in memory
}

// newLogger logs to w in format, adding the request id to every record
// logged with a request's context. Durations carry their unit in both
// formats ("1.5s"), where JSON would write bare nanoseconds.
func newLogger(format string, w io.Writer) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(w, nil)
	if format == "json" {
		h = slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: durationWithUnit})
	}
	return slog.New(reqid.Handler{Handler: h})
}

// durationWithUnit writes a duration as Go writes it: "250ms", "1m30s".
func durationWithUnit(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// openApp opens the database, builds the core and starts the click
// buffer, keeping clicks where says. Migrations are left to the caller.
// Close it with close.
func openApp(ctx context.Context, cfg config.Config, log *slog.Logger, where clickStore) (*app, error) {
	secret, err := cfg.LoadSecret()
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("REFERRALHUB_DATABASE_URL: %w", err)
	}
	if cfg.DatabaseReadURL != "" {
		if err := db.OpenReplica(ctx, cfg.DatabaseReadURL); err != nil {
			db.Close()
			return nil, fmt.Errorf("REFERRALHUB_DATABASE_READ_URL: %w", err)
		}
	}
	settings := core.DefaultSettings()
	settings.PointsPerReferral = cfg.PointsPerReferral
	settings.AttributionWindow = cfg.AttributionWindow
	settings.ClickRetention = cfg.ClickRetention
	ips := clicks.NewIPHasher(cfg.IPSaltPeriod, clicks.StoredSalts(db, time.Now))
	codes := clicks.NewCodeCache(clicks.CodeCacheConfig{TTL: 10 * time.Minute, NegativeTTL: 10 * time.Second, MaxItems: 200_000},
		time.Now, db.Read().CodeOwner)
	outside, err := newOutside(cfg, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	rateLimit, redisClient, err := newRateLimit(cfg, secret, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	buffer, err := newClickBuffer(cfg, db, log, where) // last: it takes a slot of the spool, freed by close
	if err != nil {
		if redisClient != nil {
			redisClient.Close()
		}
		db.Close()
		return nil, err
	}
	var jobs *worker.Worker
	svc := core.New(core.Deps{DB: db, Settings: settings, Now: time.Now, SecretKey: secret,
		Hasher: password.NewHasher(password.OWASP(), runtime.NumCPU()), Codes: codes, Clicks: buffer, IPs: ips, Logger: log,
		BaseURL: cfg.BaseURL, Mailer: outside.mailer, Templates: outside.templates, Payments: outside.payments,
		Webhooks: webhook.NewSender(webhook.SenderConfig{AllowPrivate: cfg.WebhookAllowPrivate}), JobsQueued: func() { jobs.Wake() }, Disposable: core.NewDisposable(cfg.DisposableDomains)})
	jobs = worker.New(db, svc.JobHandlers(), worker.Config{Lease: cfg.JobLease, Drain: shutdownGrace, Log: log})
	go buffer.Run()
	return &app{cfg: cfg, log: log, db: db, svc: svc, clicks: buffer, worker: jobs, rateLimit: rateLimit, redis: redisClient}, nil
}

// newRateLimit builds the rate limits: counted in this process by default,
// or in Redis, shared by every instance, when REFERRALHUB_REDIS_URL is set.
// The Redis client (nil for memory) is the caller's to close.
func newRateLimit(cfg config.Config, secret []byte, log *slog.Logger) (web.RateLimit, *redis.Client, error) {
	rl := web.RateLimit{Limiter: ratelimit.NewMemory(time.Now), Limits: cfg.RateLimits, Secret: secret}
	if cfg.RedisURL == "" {
		return rl, nil, nil
	}
	opt, err := ratelimit.ParseRedisURL(cfg.RedisURL)
	if err != nil {
		return rl, nil, fmt.Errorf("REFERRALHUB_REDIS_URL: %w", err)
	}
	redis.SetLogger(ratelimit.NewRedisLog(log)) // the client's own lines, through slog: one logger per process
	client := redis.NewClient(opt)
	rl.Limiter = ratelimit.NewRedis(client, ratelimit.RedisConfig{Prefix: "referralhub:", Log: log,
		Fallback: ratelimit.NewMemory(time.Now)})
	return rl, client, nil
}

// mailHeld is why production without a mail server sends no mail: the
// error of every mail job, shown at /admin/jobs and logged.
const mailHeld = "no mail server is configured (REFERRALHUB_SMTP_URL), so mail waits in the job queue until one is"

// outside is the world beyond this machine: mail and Stripe.
type outside struct {
	mailer    mail.Sender
	templates *mail.Templates
	payments  core.Payments // nil without a Stripe key
}

func newOutside(cfg config.Config, log *slog.Logger) (outside, error) {
	var o outside
	var err error
	if o.templates, err = mail.NewTemplates(); err != nil {
		return o, err
	}
	switch {
	case cfg.SMTPURL == "" && cfg.Production():
		log.Warn("mail is not being sent: " + mailHeld)
		o.mailer = mail.NewHeld(mailHeld)
	case cfg.SMTPURL == "":
		o.mailer = mail.NewLog(log, cfg.MailFrom)
	default:
		if o.mailer, err = mail.NewSMTP(cfg.SMTPURL, cfg.MailFrom); err != nil {
			return o, fmt.Errorf("REFERRALHUB_SMTP_URL: %w", err)
		}
	}
	if cfg.StripeSecretKey != "" {
		client, err := stripepay.New(stripepay.Config{SecretKey: cfg.StripeSecretKey, APIBase: cfg.StripeAPIBase})
		if err != nil {
			return o, fmt.Errorf("REFERRALHUB_STRIPE_SECRET_KEY: %w", err)
		}
		o.payments = client
	}
	return o, nil
}

// withApp opens the app for a one-off command, brings the schema up to date
// (see prepareSchema), runs fn and closes the app.
func withApp(env cmdEnv, cfg config.Config, fn func(*app) error) error {
	a, err := openApp(env.ctx, cfg, newLogger(cfg.LogFormat, env.stderr), clicksInMemory)
	if err != nil {
		return err
	}
	defer a.close(env.ctx)
	if err := a.prepareSchema(env.ctx); err != nil {
		return err
	}
	return fn(a)
}

// prepareSchema brings the schema up to date in development. In production
// it refuses a stale schema instead: run "referralhub migrate" first, so an
// upgrade is a deliberate step. In both it refuses a schema newer than
// this binary (see storage.SchemaAheadError).
func (a *app) prepareSchema(ctx context.Context) error {
	if err := a.db.CheckSchemaNotAhead(ctx); err != nil {
		return withVersion(err)
	}
	if a.cfg.Production() {
		pending, err := a.db.PendingMigrations(ctx)
		if err != nil {
			return err
		}
		if len(pending) > 0 {
			return fmt.Errorf("the database schema is out of date (%d pending migrations): run \"referralhub migrate\"", len(pending))
		}
		return nil
	}
	applied, err := a.migrate(ctx)
	if len(applied) > 0 {
		a.log.Info("applied migrations", "migrations", applied)
	}
	return err
}

// withVersion names this binary's version in the error of a schema newer
// than the binary, so the message names both.
func withVersion(err error) error {
	var ahead *storage.SchemaAheadError
	if errors.As(err, &ahead) {
		return fmt.Errorf("referralhub %s: %w", version, err)
	}
	return err
}

// rewardsMigration is the migration that brought the ledger, and
// gamificationMigration the one that brought tiers, badges and the
// leaderboard.
const (
	rewardsMigration      = "0002_rewards.sql"
	gamificationMigration = "0008_gamification.sql"
)

// migrate applies pending migrations. When it brings in the ledger, the
// referrals made before it are credited as the default program would have
// (points to the referrer), so upgraded dashboards keep their points; when
// it brings in tiers and the leaderboard, they are computed from the
// referrals made before.
func (a *app) migrate(ctx context.Context) ([]string, error) {
	applied, err := a.db.Migrate(ctx, time.Now())
	if err != nil {
		return applied, withVersion(err)
	}
	if slices.Contains(applied, rewardsMigration) {
		err = a.db.InTx(ctx, func(q *storage.Queries) error {
			return q.BulkSignupRewards(ctx, core.DefaultRuleID, a.cfg.PointsPerReferral)
		})
		if err != nil {
			return applied, fmt.Errorf("credit referrals made before the ledger: %w", err)
		}
	}
	if slices.Contains(applied, gamificationMigration) {
		if err := a.svc.RebuildGamification(ctx); err != nil {
			return applied, fmt.Errorf("tiers and leaderboards for referrals made before them: %w", err)
		}
	}
	return applied, nil
}

// close flushes buffered clicks, then closes the database and the Redis
// client of the rate limits.
func (a *app) close(ctx context.Context) {
	if err := a.clicks.Close(ctx); err != nil {
		a.log.Error("flush clicks", "err", err, "stats", a.clicks.Stats())
	}
	a.db.Close()
	if a.redis != nil {
		if err := a.redis.Close(); err != nil {
			a.log.Warn("close Redis", "err", err)
		}
	}
}
