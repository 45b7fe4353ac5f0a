package main

import "fmt"

// recountSynopsis is the command line of "recount".
const recountSynopsis = "recount"

// recountCmd is "recount": it counts the program-wide figures (the stats
// API's totals, the admin's user count, the reward gauges) again from the
// rows they count, replaces the kept counts with them, and lists those
// that were wrong. The triggers keep the counts in every write's own
// transaction, so it is needed only after writes around them (a data-only
// restore, rows edited with triggers switched off).
func recountCmd(env cmdEnv, args []string) error {
	cfg, err := loadCommand(env, recountSynopsis, recountSynopsis, args, nil)
	if err != nil {
		return err
	}
	return withApp(env, cfg, func(a *app) error {
		wrong, err := a.svc.RecountProgram(env.ctx)
		if err != nil {
			return describe(err)
		}
		for _, d := range wrong {
			fmt.Fprintf(env.stdout, "repaired %s: was %d, counted %d\n", d.Name, d.Kept, d.Count)
		}
		fmt.Fprintf(env.stdout, "program counts exact (%d repaired)\n", len(wrong))
		return nil
	})
}
