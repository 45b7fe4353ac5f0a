// Package demo fills a database with a realistic referral network for demos
// and load tests: users whose referral trees run several levels deep, one
// "ambassador" hub with thousands of direct referrals, and clicks spread over
// the last 90 days.
package demo

import (
	"context"
	"log/slog"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
)

// The hub user.
const (
	HubUsername  = "ambassador"
	HubEmail     = HubUsername + "@example.com"
	HubReferrals = 10000 // direct referrals of the hub, or Users-1 when fewer
)

// Limits of a run.
const (
	MaxUsers  = 1_000_000           // more would crowd the username space
	MaxClicks = 20_000_000          // the plan holds every click in memory, twice while sorting: about 600 MB a million, 12 GB here
	History   = 90 * 24 * time.Hour // signups and clicks fall within this before Now
)

// DefaultSeed seeds the generator when Options.Seed is zero.
const DefaultSeed = 0x5eed_2026

// Options configures Generate.
type Options struct {
	Users int // how many users to create, hub included: 1 to MaxUsers
	// Clicks is how many clicks to create in all, up to MaxClicks. Every
	// referral gets the 1 to 3 clicks that brought it; the rest never
	// converted. Zero means Users/2 clicks beyond the referrals' own.
	Clicks       int
	Now          time.Time    // the end of the generated history; zero means time.Now()
	PasswordHash string       // the stored hash every generated user shares
	Seed         uint64       // seeds the network's shape; zero means DefaultSeed
	Log          *slog.Logger // progress and timings; nil discards them
	// PointsPerReferral is what each referral earned its referrer under
	// the default program; zero means 10.
	PointsPerReferral int64
}

// DefaultRuleID is the id of the default program's one rule, which the
// demo's ledger entries are credited under.
const DefaultRuleID = core.DefaultRuleID

// Result counts what Generate stored.
type Result struct {
	Users, Referrals, Clicks int
	HubUsername              string
}

// Generate stores opt.Users users with participants, referrals and clicks
// in one transaction, so either all of it is stored or none, then fills
// the analytics rollups. It refuses
// with ECONFLICT when a user named HubUsername exists, which is how a
// second run is caught, and with EINVALID when the options are out of range.
func Generate(ctx context.Context, db *storage.DB, opt Options) (Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return Result{}, err
	}
	if err := checkNoHub(ctx, db.Read()); err != nil {
		return Result{}, err
	}
	began := time.Now()
	p := newPlan(opt)
	opt.Log.Info("demo: planned", "users", len(p.users), "referrals", len(p.referred), "clicks", len(p.clicks),
		"elapsed", time.Since(began).Round(time.Millisecond))
	// PostgreSQL's clicks tables by month, so the clicks go straight to theirs.
	oldest := opt.Now
	for _, c := range p.clicks {
		if c.CreatedAt.Before(oldest) {
			oldest = c.CreatedAt
		}
	}
	if _, err := db.EnsureClickMonths(ctx, oldest, opt.Now); err != nil {
		return Result{}, err
	}
	err = db.BulkLoad(ctx, func(q *storage.Queries) error { return p.store(ctx, q, opt) })
	if err != nil {
		return Result{}, err
	}
	rolled := time.Now()
	if err := core.RefreshAnalytics(ctx, db, opt.Now, true); err != nil {
		return Result{}, err
	}
	opt.Log.Info("demo: analytics rolled up", "elapsed", time.Since(rolled).Round(time.Millisecond))
	opt.Log.Info("demo: done", "engine", db.Engine(), "elapsed", time.Since(began).Round(time.Millisecond))
	return Result{Users: len(p.users), Referrals: len(p.referred), Clicks: len(p.clicks), HubUsername: HubUsername}, nil
}

// withDefaults validates opt and fills in its zero fields.
func (opt Options) withDefaults() (Options, error) {
	switch {
	case opt.Users < 1 || opt.Users > MaxUsers:
		return opt, referralhub.Errorf(referralhub.EINVALID, "The number of users must be between 1 and %d.", MaxUsers)
	case opt.Clicks < 0 || opt.Clicks > MaxClicks:
		return opt, referralhub.Errorf(referralhub.EINVALID, "The number of clicks must be between 0 and %d.", MaxClicks)
	case opt.PasswordHash == "":
		return opt, referralhub.Errorf(referralhub.EINVALID, "The demo users need a password hash.")
	}
	if opt.PointsPerReferral == 0 {
		opt.PointsPerReferral = 10
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	opt.Now = opt.Now.UTC().Truncate(time.Microsecond)
	if opt.Seed == 0 {
		opt.Seed = DefaultSeed
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return opt, nil
}

// checkNoHub refuses when the hub's username or email is taken.
func checkNoHub(ctx context.Context, q *storage.Queries) error {
	emailTaken, usernameTaken, err := q.TakenFields(ctx, HubEmail, HubUsername)
	if err != nil {
		return err
	}
	if emailTaken || usernameTaken {
		return referralhub.Errorf(referralhub.ECONFLICT,
			"A user named %q already exists: the demo data is loaded already. Use a fresh database.", HubUsername)
	}
	return nil
}

// store writes the plan, table by table, logging how long each step took. The
// participants are stored with the counts of their referrals and clicks,
// and the referrals of verified referees as qualified, so that neither the
// load nor the gamification rebuild after it writes a row twice.
func (p *plan) store(ctx context.Context, q *storage.Queries, opt Options) error {
	if err := checkNoHub(ctx, q); err != nil {
		return err
	}
	// The indexes (and on PostgreSQL the foreign keys) are dropped for the
	// load and made again from all the rows before it commits.
	tables := []string{"users", "participants", "referrals", "clicks", "rewards"}
	dropped, remake, err := q.DropIndexes(ctx, tables...)
	if err != nil {
		return err
	}
	opt.Log.Info("demo: dropped indexes and keys until the rows are in", "dropped", len(dropped))
	steps := []struct {
		name string
		fn   func() error
	}{
		{"users", func() error { return p.storeUsers(ctx, q, opt.PasswordHash) }},
		{"participants", func() error { return p.storeParticipants(ctx, q) }},
		{"referrals", func() error { return q.BulkReferralRows(ctx, p.referrals(), p.qualified) }},
		{"clicks", func() error { return q.BulkClicks(ctx, p.clicks) }},
		{"rewards", func() error { return q.BulkSignupRewards(ctx, DefaultRuleID, opt.PointsPerReferral) }},
		{"indexes and keys", remake},
		{"statistics", func() error { return q.Analyze(ctx, tables...) }},
	}
	for _, s := range steps {
		began := time.Now()
		if err := s.fn(); err != nil {
			return err
		}
		opt.Log.Info("demo: stored", "step", s.name, "elapsed", time.Since(began).Round(time.Millisecond))
	}
	return nil
}

// storeUsers inserts the users and links each participant to its user.
func (p *plan) storeUsers(ctx context.Context, q *storage.Queries, passwordHash string) error {
	if err := q.BulkUsers(ctx, p.users, passwordHash); err != nil {
		return err
	}
	for i := range p.parts {
		p.parts[i].UserID = p.users[i].ID
	}
	return nil
}

// storeParticipants inserts the participants and points each click at its
// owner's new id.
func (p *plan) storeParticipants(ctx context.Context, q *storage.Queries) error {
	if err := q.BulkParticipants(ctx, p.parts); err != nil {
		return err
	}
	for k, owner := range p.owner {
		p.clicks[k].ParticipantID = p.parts[owner].ID
	}
	return nil
}

// referrals builds the referral rows once participants have ids.
func (p *plan) referrals() []referralhub.Referral {
	refs := make([]referralhub.Referral, 0, len(p.referred))
	for _, i := range p.referred {
		refs = append(refs, referralhub.Referral{
			ReferrerID: p.parts[p.referrer[i]].ID, RefereeID: p.parts[i].ID,
			ClickID: p.clickID[i], CreatedAt: p.users[i].CreatedAt,
		})
	}
	return refs
}
