package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/config"
)

// userCreate runs "user create" for username with in as standard input and
// prompt as the terminal (nil: none).
func userCreate(getenv func(string) string, username string, in io.Reader, prompt func(string) (string, error), extra ...string) (string, error) {
	var out bytes.Buffer
	env := cmdEnv{ctx: context.Background(), getenv: getenv, stdout: &out, stderr: io.Discard, stdin: in, prompt: prompt}
	args := append([]string{"create", "--email", username + "@example.com", "--username", username}, extra...)
	err := runCommand(env, "user", args)
	return out.String(), err
}

// logIn logs in through the core of a fresh app on getenv's database.
func logIn(t *testing.T, getenv func(string) string, login, pw string) (referralhub.User, error) {
	t.Helper()
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := openApp(context.Background(), cfg, slog.New(slog.DiscardHandler), clicksInMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close(context.Background())
	u, _, err := a.svc.Login(context.Background(), login, pw)
	return u, err
}

func TestUserCreateReadsThePasswordFromStandardInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		out, err := userCreate(getenv, "piped", strings.NewReader("a piped password\r\n"), nil, "--password-stdin", "--admin")
		if err != nil || !strings.Contains(out, "created user piped") {
			t.Fatalf("user create --password-stdin: %v\n%s", err, out)
		}
		if u, err := logIn(t, getenv, "piped", "a piped password"); err != nil || !u.IsAdmin {
			t.Fatalf("log in with the piped password (its newline dropped): %+v, %v", u, err)
		}
		if _, err := userCreate(getenv, "empty", strings.NewReader(""), nil, "--password-stdin"); err == nil ||
			!strings.Contains(err.Error(), "--password-stdin") {
			t.Fatalf("empty standard input: err = %v, want one naming --password-stdin", err)
		}
		_, err = userCreate(getenv, "short", strings.NewReader("short\n"), nil, "--password-stdin")
		if err == nil || !strings.Contains(err.Error(), "at least 8 characters") || strings.Contains(err.Error(), "--password:") {
			t.Fatalf("short password: err = %v, want the rule, naming no --password flag", err)
		}
	})
}

func TestUserCreateAsksOnATerminal(t *testing.T) {
	getenv := testEnv(t, "sqlite", nil)
	var asked []string
	typed := func(answers ...string) func(string) (string, error) {
		return func(p string) (string, error) {
			asked = append(asked, p)
			a := answers[0]
			answers = answers[1:]
			return a, nil
		}
	}
	if _, err := userCreate(getenv, "typist", nil, typed("typed password", "typed passwords")); err == nil ||
		!strings.Contains(err.Error(), "differ") {
		t.Fatalf("two different passwords: err = %v", err)
	}
	asked = nil
	out, err := userCreate(getenv, "typist", nil, typed("typed password", "typed password"))
	if err != nil || !strings.Contains(out, "created user typist") || len(asked) != 2 {
		t.Fatalf("typed twice: %v, asked %q\n%s", err, asked, out)
	}
	if _, err := logIn(t, getenv, "typist", "typed password"); err != nil {
		t.Fatalf("log in with the typed password: %v", err)
	}
	failing := func(string) (string, error) { return "", errors.New("no tty") }
	if _, err := userCreate(getenv, "broken", nil, failing); err == nil || !strings.Contains(err.Error(), "no tty") {
		t.Fatalf("a failing terminal: err = %v", err)
	}
}

func TestUserCreateWantsOnePasswordSource(t *testing.T) {
	getenv := testEnv(t, "sqlite", nil)
	_, err := userCreate(getenv, "nobody", strings.NewReader("from stdin"), nil)
	if err == nil || !strings.Contains(err.Error(), "--password-file F or --password-stdin") {
		t.Fatalf("no flag and no terminal: err = %v", err)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("file password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = userCreate(getenv, "both", strings.NewReader("x"), nil, "--password-file", pw, "--password-stdin")
	if err == nil || !strings.Contains(err.Error(), "not both") {
		t.Fatalf("both flags: err = %v", err)
	}
	never := func(string) (string, error) { t.Fatal("asked despite --password-file"); return "", nil }
	if _, err := userCreate(getenv, "filed", nil, never, "--password-file", pw); err != nil {
		t.Fatalf("--password-file on a terminal: %v", err)
	}
	if _, err := logIn(t, getenv, "filed", "file password"); err != nil {
		t.Fatalf("log in with the file's password: %v", err)
	}
}
