package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
)

// TestDemoMakesAnAdminToLogInAs: demo prints the ambassador's login and an
// admin's, with a password of its own that logs in as an admin.
func TestDemoMakesAnAdminToLogInAs(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		var out bytes.Buffer
		if err := run(context.Background(), []string{"demo", "--users", "20"}, getenv, &out, io.Discard); err != nil {
			t.Fatalf("demo: %v\n%s", err, out.String())
		}
		m := regexp.MustCompile(`log in as admin with password "([^"]+)"`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("demo printed no admin login:\n%s", out.String())
		}
		if u, err := logIn(t, getenv, "admin", m[1]); err != nil || !u.IsAdmin {
			t.Fatalf("log in as the demo's admin: %+v, %v", u, err)
		}
		if u, err := logIn(t, getenv, "ambassador", demoPassword); err != nil || u.IsAdmin {
			t.Fatalf("log in as the ambassador: %+v, %v", u, err)
		}
	})
}

// TestDemoWithAnAdminTakenSaysHowToMakeOne: when "admin" exists before the
// demo, the demo data still loads and it says how to make an admin.
func TestDemoWithAnAdminTakenSaysHowToMakeOne(t *testing.T) {
	getenv := testEnv(t, "sqlite", nil)
	if _, err := userCreate(getenv, "admin", strings.NewReader("an earlier admin"), nil, "--password-stdin", "--admin"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--users", "5"}, getenv, &out, io.Discard); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "created 5 users") || !strings.Contains(out.String(), "no admin was made") ||
		!strings.Contains(out.String(), "referralhub user create --email E --username U --admin") {
		t.Fatalf("demo output:\n%s", out.String())
	}
	if _, err := logIn(t, getenv, "admin", "an earlier admin"); err != nil {
		t.Fatalf("the earlier admin's password changed: %v", err)
	}
}
