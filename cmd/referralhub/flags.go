package main

import (
	"flag"
	"fmt"

	"github.com/referralhub/referralhub/internal/config"
)

// configHelp ends the help of the commands that take no configuration
// flags.
const configHelp = `
Configuration (the database, the secret key, ...) comes from the
REFERRALHUB_* variables: see README.md, or "referralhub serve -h".
`

// newFlagSet is the flag set of "referralhub NAME": its -h prints synopsis
// (the command line after "referralhub"), the flags registered, then tail.
func newFlagSet(env cmdEnv, name, synopsis, tail string) *flag.FlagSet {
	fs := flag.NewFlagSet("referralhub "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "usage: referralhub %s\n", synopsis)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(env.stderr, "\nflags:")
			fs.PrintDefaults()
		}
		fmt.Fprint(env.stderr, tail)
	}
	return fs
}

// loadConfig parses the flags of a server command (serve, worker): own
// registers the command's own flags, and every configuration setting with
// a flag gets one that overrides its REFERRALHUB_* variable.
func loadConfig(env cmdEnv, name, synopsis string, args []string, own func(*flag.FlagSet)) (config.Config, error) {
	fs := newFlagSet(env, name, synopsis, "\nEach flag overrides the REFERRALHUB_* variable named in its help.\n")
	if own != nil {
		own(fs)
	}
	cfg, rest, err := config.Load(fs, args, env.getenv)
	if err == nil && len(rest) > 0 {
		err = unexpectedArgs(name, rest)
	}
	return cfg, err
}

// loadCommand parses the flags of a one-off command, which own registers,
// and reads the configuration from the REFERRALHUB_* variables alone, so
// that its -h lists only its own flags.
func loadCommand(env cmdEnv, name, synopsis string, args []string, own func(*flag.FlagSet)) (config.Config, error) {
	fs := newFlagSet(env, name, synopsis, configHelp)
	if own != nil {
		own(fs)
	}
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	if fs.NArg() > 0 {
		return config.Config{}, unexpectedArgs(name, fs.Args())
	}
	return config.FromEnv(env.getenv)
}

func unexpectedArgs(name string, rest []string) error {
	return fmt.Errorf("referralhub %s: unexpected arguments %q (see referralhub %s -h)", name, rest, name)
}
