package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/referralhub/referralhub/internal/core"
)

// migrateCmd applies pending migrations.
func migrateCmd(env cmdEnv, args []string) error {
	cfg, err := loadCommand(env, "migrate", "migrate", args, nil)
	if err != nil {
		return err
	}
	a, err := openApp(env.ctx, cfg, newLogger(cfg.LogFormat, env.stderr), clicksInMemory)
	if err != nil {
		return err
	}
	defer a.close(env.ctx)
	applied, err := a.migrate(env.ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(env.stdout, "schema is up to date")
	}
	for _, m := range applied {
		fmt.Fprintln(env.stdout, "applied", m)
	}
	return nil
}

// userCreateSynopsis is the command line of "user create".
const userCreateSynopsis = "user create --email E --username U [--password-file F | --password-stdin] [--admin]"

// userCmd is "user create ..." or "user billing ...".
func userCmd(env cmdEnv, args []string) error {
	if len(args) > 0 && args[0] == "billing" {
		return billingCmd(env, args[1:])
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: referralhub " + userCreateSynopsis + "\n       referralhub " + billingSynopsis)
	}
	return userCreateCmd(env, args[1:])
}

// userCreateCmd is "user create": it makes a user, an admin with --admin,
// with the password from a file, from standard input or from a prompt
// (see newPassword).
func userCreateCmd(env cmdEnv, args []string) error {
	var email, username, passwordFile string
	var admin, passwordStdin bool
	cfg, err := loadCommand(env, "user create", userCreateSynopsis, args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address")
		fs.StringVar(&username, "username", "", "username (a-z, 0-9, _)")
		fs.StringVar(&passwordFile, "password-file", "", "file holding the password")
		fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
		fs.BoolVar(&admin, "admin", false, "make the user an admin")
	})
	if err != nil {
		return err
	}
	pw, err := newPassword(env, passwordFile, passwordStdin)
	if err != nil {
		return err
	}
	return withApp(env, cfg, func(a *app) error {
		u, err := a.svc.CreateUser(env.ctx, core.SignupInput{Email: email, Username: username, Password: pw, IsAdmin: admin})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.stdout, "created user %s (id %d, admin %v)\n", u.Username, u.ID, u.IsAdmin)
		return nil
	})
}
