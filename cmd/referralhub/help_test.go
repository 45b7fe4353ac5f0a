package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// helpFlags runs "referralhub ARGS -h" and returns the flags its help lists.
func helpFlags(t *testing.T, args ...string) []string {
	t.Helper()
	var help bytes.Buffer
	err := run(context.Background(), append(args, "-h"), os.Getenv, io.Discard, &help)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("%q -h: err = %v, want flag.ErrHelp", args, err)
	}
	if !strings.HasPrefix(help.String(), "usage: referralhub "+args[0]) {
		t.Errorf("%q -h does not start with its usage line:\n%s", args, help.String())
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(help.String(), -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return names
}

// TestEachCommandsHelpListsItsOwnFlags: a one-off command's -h lists its
// own flags, not the server's configuration flags, which only serve and
// worker take.
func TestEachCommandsHelpListsItsOwnFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"migrate"}, nil},
		{[]string{"backup"}, []string{"to"}},
		{[]string{"user", "create"}, []string{"admin", "email", "password-file", "password-stdin", "username"}},
		{[]string{"user", "billing"}, []string{"plan", "stripe-customer", "user"}},
		{[]string{"event"}, []string{"amount", "currency", "key", "name", "purchase", "user"}},
		{[]string{"fraud", "replay"}, []string{"limit"}},
		{[]string{"api-key", "create"}, []string{"name", "scope"}},
		{[]string{"demo"}, []string{"clicks", "users"}},
		{[]string{"ledger", "verify"}, nil},
		{[]string{"recount"}, nil},
		{[]string{"import", "participants"}, []string{"dry-run", "format", "reward"}},
		{[]string{"export", "participants"}, nil},
	} {
		if got := helpFlags(t, c.args...); !slices.Equal(got, c.want) {
			t.Errorf("%q -h lists %q, want %q", c.args, got, c.want)
		}
	}
	for _, server := range []string{"serve", "worker"} {
		got := helpFlags(t, server)
		for _, want := range []string{"addr", "base-url", "database-url", "rate-limit-login"} {
			if !slices.Contains(got, want) {
				t.Errorf("%s -h lacks -%s: %q", server, want, got)
			}
		}
	}
	if got := helpFlags(t, "serve"); !slices.Contains(got, "no-worker") {
		t.Errorf("serve -h lacks -no-worker: %q", got)
	}
}

func TestOneOffCommandsRefuseServerFlags(t *testing.T) {
	getenv := testEnv(t, "sqlite", nil)
	err := run(context.Background(), []string{"demo", "--addr", "127.0.0.1:9"}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-addr") {
		t.Fatalf("demo --addr: err = %v, want an undefined flag", err)
	}
}
