package main

import (
	"errors"
	"fmt"
)

// ledgerVerifySynopsis is the command line of "ledger verify".
const ledgerVerifySynopsis = "ledger verify"

// ledgerCmd is "ledger verify": it walks every beneficiary's ledger hash
// chain, records the outcome (the admin and the metrics show the last
// one), and exits 0 when every chain is whole. Otherwise it lists the
// first break of each broken chain and fails naming the first: the entry
// (its id and beneficiary) whose content or link does not match, and what.
func ledgerCmd(env cmdEnv, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: referralhub " + ledgerVerifySynopsis)
	}
	cfg, err := loadCommand(env, ledgerVerifySynopsis, ledgerVerifySynopsis, args[1:], nil)
	if err != nil {
		return err
	}
	return withApp(env, cfg, func(a *app) error {
		c, err := a.svc.VerifyLedger(env.ctx)
		if err != nil {
			return describe(err)
		}
		if c.OK {
			fmt.Fprintf(env.stdout, "ledger intact: %d chains, %d records; digest of the heads %s\n", c.Chains, c.Records, c.Digest)
			return nil
		}
		for _, b := range c.Breaks {
			fmt.Fprintln(env.stdout, "broken:", b)
		}
		if more := c.BreakCount - int64(len(c.Breaks)); more > 0 {
			fmt.Fprintf(env.stdout, "and %d more broken chains\n", more)
		}
		return fmt.Errorf("the ledger is broken (%d of %d chains): first at %s", c.BreakCount, c.Chains, c.Problem)
	})
}
