// Command referralhub runs ReferralHub: the web server (the default), the
// job worker, and the migrate, backup, user, event, fraud, api-key, ledger,
// recount, import, export, demo and version subcommands. It is the only place where
// configuration, storage, the core and the faces are wired together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := cmdEnv{ctx: ctx, getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr,
		stdin: os.Stdin, prompt: terminalPrompt(os.Stdin, os.Stderr)}
	cmd, rest := splitCommand(os.Args[1:])
	err := runCommand(env, cmd, rest)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "referralhub:", err)
		os.Exit(1)
	}
}

// runCommand executes one subcommand. Tests call it directly, with their
// own environment, input and output.
func runCommand(env cmdEnv, cmd string, rest []string) error {
	stdout := env.stdout
	switch cmd {
	case "serve":
		return serveCmd(env, rest)
	case "worker":
		return workerCmd(env, rest)
	case "backup":
		return backupCmd(env, rest)
	case "migrate":
		return migrateCmd(env, rest)
	case "user":
		return userCmd(env, rest)
	case "demo":
		return demoCmd(env, rest)
	case "event":
		return eventCmd(env, rest)
	case "fraud":
		return fraudCmd(env, rest)
	case "api-key":
		return apiKeyCmd(env, rest)
	case "ledger":
		return ledgerCmd(env, rest)
	case "recount":
		return recountCmd(env, rest)
	case "import":
		return importCmd(env, rest)
	case "export":
		return exportCmd(env, rest)
	case "version":
		fmt.Fprintln(stdout, "referralhub", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
}

// splitCommand separates the subcommand from its arguments; with none, or
// only flags, the command is serve.
func splitCommand(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "serve", args
}

// cmdEnv is what every subcommand gets from the outside world.
type cmdEnv struct {
	ctx            context.Context
	getenv         func(string) string
	stdout, stderr io.Writer
	stdin          io.Reader // nil reads as empty
	// prompt, when set, asks for a secret on a terminal, without echo;
	// nil when standard input is not a terminal.
	prompt func(prompt string) (string, error)
	// ready, when set, is told the address the server listens on.
	ready func(addr string)
}

const usage = `usage: referralhub [command] [flags]

commands:
  serve [--no-worker]
             run the web server (the default); --no-worker leaves the jobs
             and the periodic upkeep to "referralhub worker"
  worker     run the job workers and the periodic upkeep, with no web server
  migrate    apply database migrations
  backup --to PATH
             copy the SQLite database to a new file while it is in use
             (for PostgreSQL it prints the pg_dump command to use)
  user create --email E --username U [--password-file F | --password-stdin] [--admin]
             create a user; with neither password flag, it asks on the terminal
  user billing --user LOGIN --plan free|paid [--stripe-customer ID]
             set a user's plan and Stripe customer
  event --user LOGIN --name NAME --key KEY [--amount CENTS --currency CUR] [--purchase KEY]
             record a purchase, refund or custom event (rewards follow)
  fraud replay [--limit N]
             re-run the risk checks over stored referrals (a false-positive measure)
  api-key create --name N --scope read|write
             make a key of the JSON API and print it (shown only once)
  ledger verify
             walk the rewards ledger's hash chains; exit 0 when they are
             whole, otherwise fail naming the first entry that does not match
  recount    count the program-wide figures again from their rows and repair
             the kept counts (needed only after writes around their triggers)
  import participants FILE [--format csv|ndjson] [--dry-run] [--reward]
             bring existing users in from CSV or NDJSON, with their codes and
             who referred whom; rejected rows go to FILE's .rejects.csv
  export participants [FILE]
             write every participant with their code and link as CSV
  demo [--users N] [--clicks M]
             fill the database with demo data and make an admin to log in as
  version    print the version

Every command reads its configuration from REFERRALHUB_* variables; serve
and worker also take flags that override them (see "referralhub serve -h").
"referralhub COMMAND -h" lists a command's own flags.
`
