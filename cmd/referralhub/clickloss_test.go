package main

import (
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// loadClients is how many clients click at once in the load tests.
const loadClients = 8

// TestKill9UnderLoadLosesAtMostAMoment clicks a link from 8 clients as
// fast as the server answers, kills it (SIGKILL: no flush, no goodbye)
// in the middle, restarts it and looks for every click served (every 302
// with its cookie) in the database. A click reaches the operating system
// when the journal takes it, microseconds after its redirect, so only the
// clicks of the last instant may be lost: the test allows a tenth of a
// second's worth (the machine is shared and may stall the journal), where
// the buffer kept in memory alone lost up to a second's (hundreds, made up
// to 0.2 s before the kill, in the runs before the spool). Only a crash of
// the machine could cost the second the fsync interval leaves.
func TestKill9UnderLoadLosesAtMostAMoment(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test")
	}
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, map[string]string{"REFERRALHUB_RATE_LIMIT_CLICK": "off"})
		first, base := startProgram(t, getenv, listeningLine, "serve")
		code := signupAndGetCode(t, base)
		const loaded = 3 * time.Second
		load := startClickLoad(base, code, loadClients)
		time.Sleep(loaded)
		killedAt := time.Now()
		if err := first.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		first.Wait()
		served := load.end()
		rate := float64(len(served)) / loaded.Seconds()

		startProgram(t, getenv, listeningLine, "serve") // writes what the spool holds
		lost, stored := missing(t, getenv("REFERRALHUB_DATABASE_URL"), served, 30*time.Second)
		window := time.Duration(0) // how long before the kill the oldest lost click was made
		for _, id := range lost {
			window = max(window, killedAt.Sub(clickTime(id)))
		}
		t.Logf("kill -9 under load on %s: %d clicks served in %v (%.0f/s), %d in the database after the restart, %d lost, made within %v of the kill",
			engine, len(served), loaded, rate, stored, len(lost), window.Round(time.Millisecond))
		if float64(len(lost)) > rate/10 || window > 100*time.Millisecond {
			t.Fatalf("lost %d clicks, up to %v before the kill: more than an instant's worth", len(lost), window)
		}
	})
}

// TestPostgresOutageUnderLoadLosesNoClick clicks a link from 8 clients as
// fast as the server answers, 3 seconds with PostgreSQL, 8 seconds with
// its port closed (through a proxy, so the shared server is left alone)
// and 3 more after, then looks for every click served in the database.
// During the outage the links keep working, /readyz?scope=clicks says so
// while /readyz does not, and a signup gets a 503 with Retry-After.
func TestPostgresOutageUnderLoadLosesNoClick(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test")
	}
	dbURL := storagetest.URL(t, "postgres")
	proxied, proxy := storagetest.Proxied(t, dbURL)
	getenv := testEnv(t, "postgres", map[string]string{"REFERRALHUB_RATE_LIMIT_CLICK": "off", "REFERRALHUB_DATABASE_URL": proxied})
	_, base := startProgram(t, getenv, listeningLine, "serve")
	code := signupAndGetCode(t, base)
	load := startClickLoad(base, code, loadClients)
	time.Sleep(3 * time.Second)

	const outage = 8 * time.Second
	proxy.Stop()
	began, before := time.Now(), load.count()
	time.Sleep(time.Second)
	checkOutageAnswers(t, base)
	time.Sleep(outage - time.Since(began))
	proxy.Start(t)
	during := load.count() - before
	time.Sleep(3 * time.Second)
	served := load.end()

	lost, stored := missing(t, dbURL, served, time.Minute)
	t.Logf("an %v PostgreSQL outage under load: %d clicks served (%d during the outage, %.0f/s), %d stored, %d lost; %d requests failed",
		outage, len(served), during, float64(during)/outage.Seconds(), stored, len(lost), load.failed.Load())
	if during == 0 {
		t.Fatal("no click was served during the outage")
	}
	if len(lost) > 0 {
		t.Fatalf("%d of %d clicks served were never stored", len(lost), len(served))
	}
}

// checkOutageAnswers checks what an instance answers while its database is
// down: ready for clicks, not for the rest, and a clear 503.
func checkOutageAnswers(t *testing.T, base string) {
	t.Helper()
	for path, want := range map[string]int{"/readyz": http.StatusServiceUnavailable, "/readyz?scope=clicks": http.StatusOK} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s during the outage: %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp, err := http.PostForm(base+"/signup", url.Values{"email": {"c@example.com"}, "username": {"carol"}, "password": {"password123"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a signup during the outage: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
