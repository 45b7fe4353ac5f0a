package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/referralhub/referralhub/internal/demo"
	"github.com/referralhub/referralhub/internal/password"
)

// demoPassword is every demo user's password.
const demoPassword = "demo-password"

// demoCmd fills the configured database with demo data.
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
		fmt.Fprintf(env.stdout, "created %d users, %d referrals and %d clicks in %s\nlog in as %s with password %q\n",
			res.Users, res.Referrals, res.Clicks, time.Since(start).Round(time.Millisecond), res.HubUsername, demoPassword)
		return nil
	})
}
