package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/referralhub/referralhub/internal/storage"
)

// backupCmd copies a SQLite database to a new file while servers may be
// using it. PostgreSQL is backed up with pg_dump: the command says how.
func backupCmd(env cmdEnv, args []string) error {
	var to string
	cfg, err := loadCommand(env, "backup", "backup --to PATH", args, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "the backup file to write (it must not exist)")
	})
	if err != nil {
		return err
	}
	if to == "" {
		return errors.New("usage: referralhub backup --to PATH")
	}
	path, ok := strings.CutPrefix(cfg.DatabaseURL, "sqlite:")
	if !ok {
		return fmt.Errorf("backup copies SQLite databases only; back up PostgreSQL with pg_dump "+
			"(it asks for the password, or reads PGPASSWORD or ~/.pgpass):\n  %s", pgDumpCommand(cfg.DatabaseURL, to))
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no database to back up: %w", err)
	}
	db, err := storage.Open(env.ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("REFERRALHUB_DATABASE_URL: %w", err)
	}
	defer db.Close()
	if err := db.BackupTo(env.ctx, to); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "backed up %s to %s\n", path, to)
	return nil
}

// pgDumpCommand is the pg_dump command line that backs the PostgreSQL
// database at dbURL up to path, in pg_dump's custom format (restore it with
// pg_restore). The password is left out; search_path, which libpq does
// not accept in a URL, becomes --schema; and parameters only the Go driver
// knows (pool_max_conns, say), which libpq would refuse, are dropped.
func pgDumpCommand(dbURL, path string) string {
	args := []string{"pg_dump", "--format=custom", "--file=" + shellQuote(path)}
	u, err := url.Parse(dbURL)
	if err != nil {
		return strings.Join(append(args, "'postgres://USER@HOST/DATABASE'"), " ")
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
		if u.User.Username() == "" {
			u.User = nil
		}
	}
	q := u.Query() // the password is no libpq URL parameter here: isLibpqParam drops it
	for s := range strings.SplitSeq(q.Get("search_path"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			args = append(args, "--schema="+shellQuote(s))
		}
	}
	for name := range q {
		if !isLibpqParam(name) {
			q.Del(name)
		}
	}
	u.RawQuery = q.Encode()
	return strings.Join(append(args, shellQuote(u.String())), " ")
}

// isLibpqParam reports whether libpq takes the connection parameter name
// in a URL (PostgreSQL 17's "Parameter Key Words"). The password and
// sslpassword (the client key's passphrase) are not: they are secrets,
// left out of the printed command.
func isLibpqParam(name string) bool {
	switch name {
	case "host", "hostaddr", "port", "dbname", "user", "passfile", "require_auth", "channel_binding",
		"connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
		"keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
		"replication", "gssencmode", "sslmode", "requiressl", "sslnegotiation", "sslcompression", "sslcert",
		"sslkey", "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
		"ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation",
		"service", "target_session_attrs", "load_balance_hosts":
		return true
	}
	return false
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
