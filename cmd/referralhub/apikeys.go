package main

import (
	"errors"
	"flag"
	"fmt"
)

// apiKeyCmd is "api-key create --name N --scope read|write": it makes a
// key of the JSON API and prints it, once, on stdout (what it is goes to
// stderr, so a script can capture the key alone).
func apiKeyCmd(env cmdEnv, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: referralhub api-key create --name N --scope read|write")
	}
	var name, scope string
	cfg, err := loadCommand(env, "api-key create", "api-key create --name N --scope read|write", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "what uses the key, e.g. \"shop backend\"")
		fs.StringVar(&scope, "scope", "", "read, or write (which can also create participants, record events and redeem)")
	})
	if err != nil {
		return err
	}
	return withApp(env, cfg, func(a *app) error {
		k, err := a.svc.CreateAPIKeyFromCommandLine(env.ctx, name, scope)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintln(env.stdout, k.Secret)
		fmt.Fprintf(env.stderr, "created API key %d %q (%s); it is shown only this once\n", k.ID, k.Name, k.Scope)
		return nil
	})
}
