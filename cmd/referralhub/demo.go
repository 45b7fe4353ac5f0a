package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/demo"
	"github.com/referralhub/referralhub/internal/password"
)

// demoPassword is every demo user's password.
const demoPassword = "demo-password"

// The admin that demo makes, with a password of its own, printed once. No
// generated username is "admin" (they all hold digits).
const (
	demoAdminUsername = "admin"
	demoAdminEmail    = "admin@example.com"
)

// demoCmd fills the configured database with demo data and makes an admin.
func demoCmd(env cmdEnv, args []string) error {
	var users, clicks int
	cfg, err := loadCommand(env, "demo", "demo [--users N] [--clicks M]", args, func(fs *flag.FlagSet) {
		fs.IntVar(&users, "users", 1000, "how many users to create")
		fs.IntVar(&clicks, "clicks", 0, "how many clicks to create in all (0: about 2 per user)")
	})
	if err != nil {
		return err
	}
	if users < 1 {
		return errors.New("--users must be at least 1")
	}
	return withApp(env, cfg, func(a *app) error {
		hash, err := password.NewHasher(password.OWASP(), 1).Hash(env.ctx, demoPassword)
		if err != nil {
			return err
		}
		start := time.Now()
		res, err := demo.Generate(env.ctx, a.db, demo.Options{Users: users, Clicks: clicks, Now: time.Now(), PasswordHash: hash, Log: a.log,
			PointsPerReferral: cfg.PointsPerReferral})
		if err != nil {
			return describe(err)
		}
		if err := a.svc.RebuildGamification(env.ctx); err != nil {
			return fmt.Errorf("demo: tiers, badges and leaderboards: %w", err)
		}
		fmt.Fprintf(env.stdout, "created %d users, %d referrals and %d clicks in %s\nlog in as %s with password %q (the busiest referrer)\n",
			res.Users, res.Referrals, res.Clicks, time.Since(start).Round(time.Millisecond), res.HubUsername, demoPassword)
		return demoAdmin(env, a)
	})
}

// demoAdmin makes the demo's admin with a new random password and prints
// how to log in as it. When the name is taken (an admin made before the
// demo, say) it prints how to make one instead.
func demoAdmin(env cmdEnv, a *app) error {
	pw := rand.Text()
	_, err := a.svc.CreateUser(env.ctx, core.SignupInput{Email: demoAdminEmail, Username: demoAdminUsername, Password: pw, IsAdmin: true})
	switch code := referralhub.ErrorCode(err); code {
	case "":
		fmt.Fprintf(env.stdout, "log in as %s with password %q for the admin pages (/admin); it is shown only this once\n",
			demoAdminUsername, pw)
		return nil
	case referralhub.EINTERNAL:
		return fmt.Errorf("demo: make the admin: %w", err)
	}
	fmt.Fprintf(env.stdout, "no admin was made (%v); make one with:\n  referralhub user create --email E --username U --admin\n", describe(err))
	return nil
}
