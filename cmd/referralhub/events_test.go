package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
)

// TestEventAndBillingCommands records a purchase from the command line:
// the user's plan changes, a repeat of the key changes nothing, and bad
// input is refused with the field named.
func TestEventAndBillingCommands(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		pw := filepath.Join(t.TempDir(), "pw")
		os.WriteFile(pw, []byte("password123\n"), 0o600)
		cli := func(args ...string) (string, error) {
			var out bytes.Buffer
			err := run(context.Background(), args, getenv, &out, io.Discard)
			return out.String(), err
		}
		if _, err := cli("user", "create", "--email", "bob@example.com", "--username", "bob", "--password-file", pw); err != nil {
			t.Fatal(err)
		}
		if out, err := cli("user", "billing", "--user", "bob", "--plan", "paid", "--stripe-customer", "cus_1"); err != nil || !strings.Contains(out, "paid") {
			t.Fatalf("billing: %q %v", out, err)
		}
		purchase := []string{"event", "--user", "BOB@example.com", "--name", "purchase", "--key", "o-1", "--amount", "1999", "--currency", "usd"}
		if out, err := cli(purchase...); err != nil || !strings.Contains(out, "recorded purchase") {
			t.Fatalf("event: %q %v", out, err)
		}
		if out, err := cli(purchase...); err != nil || !strings.Contains(out, "nothing changed") {
			t.Fatalf("repeat: %q %v", out, err)
		}
		if _, err := cli("event", "--user", "bob", "--name", "purchase", "--key", "o-2"); err == nil || !strings.Contains(err.Error(), "amount") {
			t.Fatalf("purchase without an amount: %v", err)
		}
		if _, err := cli("event", "--user", "nobody", "--name", "x", "--key", "k"); err == nil {
			t.Fatal("an event for nobody was accepted")
		}
		db, err := storage.Open(context.Background(), getenv("REFERRALHUB_DATABASE_URL"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		bob, _, err := db.Read().UserForLogin(context.Background(), "bob")
		if err != nil {
			t.Fatal(err)
		}
		to, _ := db.Read().RecipientByUser(context.Background(), bob.ID)
		ev, err := db.Read().EventByKey(context.Background(), to.ParticipantID, "o-1")
		if err != nil || ev.Amount != 1999 || ev.Currency != "usd" {
			t.Fatalf("stored event = %+v, %v", ev, err)
		}
	})
}
