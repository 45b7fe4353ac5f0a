package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/referralhub/referralhub/internal/core"
)

// The synopses of "event" and "user billing", for their help and errors.
const (
	eventSynopsis   = "event --user LOGIN --name NAME --key KEY [--amount CENTS --currency CUR] [--purchase KEY]"
	billingSynopsis = "user billing --user LOGIN --plan free|paid [--stripe-customer ID]"
)

// eventCmd is "event --user LOGIN --name NAME --key KEY [--amount CENTS
// --currency CUR] [--purchase KEY]": it records a step a user took, such
// as a purchase, until other products report them through the API.
func eventCmd(env cmdEnv, args []string) error {
	var login string
	var in core.EventInput
	cfg, err := loadCommand(env, "event", eventSynopsis, args, func(fs *flag.FlagSet) {
		fs.StringVar(&login, "user", "", "the user's email or username")
		fs.StringVar(&in.Name, "name", "", "purchase, refund, email_verified or a custom event name")
		fs.StringVar(&in.Key, "key", "", "idempotency key: a repeat changes nothing")
		fs.Int64Var(&in.Amount, "amount", 0, "purchase or refund amount in minor units (cents)")
		fs.StringVar(&in.Currency, "currency", "", "purchase or refund currency, e.g. usd")
		fs.StringVar(&in.PurchaseKey, "purchase", "", "refund: the key of the purchase refunded")
	})
	if err != nil {
		return err
	}
	if login == "" {
		return errors.New("--user is required")
	}
	return withApp(env, cfg, func(a *app) error {
		if in.ParticipantID, err = a.svc.ParticipantByLogin(env.ctx, login); err != nil {
			return describe(err)
		}
		ev, recorded, err := a.svc.RecordEvent(env.ctx, in)
		if err != nil {
			return describe(err)
		}
		if !recorded {
			fmt.Fprintf(env.stdout, "event %d was already recorded under key %q: nothing changed\n", ev.ID, ev.Key)
			return nil
		}
		fmt.Fprintf(env.stdout, "recorded %s event %d\n", ev.Name, ev.ID)
		return nil
	})
}

// billingCmd is "user billing --user LOGIN --plan free|paid
// [--stripe-customer ID]": the plan rules' segments look at, and the Stripe
// customer that account credit is paid to.
func billingCmd(env cmdEnv, args []string) error {
	var login, plan, customer string
	cfg, err := loadCommand(env, "user billing", billingSynopsis, args, func(fs *flag.FlagSet) {
		fs.StringVar(&login, "user", "", "the user's email or username")
		fs.StringVar(&plan, "plan", "free", "free or paid")
		fs.StringVar(&customer, "stripe-customer", "", "Stripe customer id (cus_...)")
	})
	if err != nil {
		return err
	}
	return withApp(env, cfg, func(a *app) error {
		id, err := a.svc.ParticipantByLogin(env.ctx, login)
		if err == nil {
			err = a.svc.SetBilling(env.ctx, id, plan, customer)
		}
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.stdout, "%s is on the %s plan\n", login, plan)
		return nil
	})
}

// fraudCmd is "fraud replay [--limit N]": it re-runs the risk checks over
// stored referrals and prints how many the current settings would flag.
func fraudCmd(env cmdEnv, args []string) error {
	if len(args) == 0 || args[0] != "replay" {
		return errors.New("usage: referralhub fraud replay [--limit N]")
	}
	var limit int
	cfg, err := loadCommand(env, "fraud replay", "fraud replay [--limit N]", args[1:], func(fs *flag.FlagSet) {
		fs.IntVar(&limit, "limit", 1_000_000, "referrals to replay, oldest first")
	})
	if err != nil {
		return err
	}
	return withApp(env, cfg, func(a *app) error {
		r, err := a.svc.ReplayRisk(env.ctx, limit)
		if err != nil {
			return describe(err)
		}
		rate := 0.0
		if r.Referrals > 0 {
			rate = 100 * float64(r.Flagged) / float64(r.Referrals)
		}
		fmt.Fprintf(env.stdout, "%d referrals replayed, %d flagged (%.2f%%)\n", r.Referrals, r.Flagged, rate)
		for code, n := range r.BySignal {
			fmt.Fprintf(env.stdout, "  %s: %d\n", code, n)
		}
		return nil
	})
}
