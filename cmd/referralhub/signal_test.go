package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/storage"
)

// runMainEnv makes the test binary run main() instead of the tests, so a
// test can start the real program as a child process and signal it.
const runMainEnv = "REFERRALHUB_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSIGTERMDrainsAndFlushesClicks starts the real program, clicks a link,
// sends SIGTERM at once and checks the program exits cleanly with every
// click stored: none may wait in the buffer when it stops.
func TestSIGTERMDrainsAndFlushesClicks(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		cmd, base := startProgram(t, getenv, listeningLine, "serve")
		code := signupAndGetCode(t, base)
		visitor := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		const clicks = 25
		for range clicks {
			if resp, err := visitor.Get(base + "/r/" + code); err != nil || resp.StatusCode != http.StatusFound {
				t.Fatalf("click: %v %v", resp, err)
			}
		}
		stopProgram(t, cmd)
		if n := storedClicks(t, getenv("REFERRALHUB_DATABASE_URL")); n != clicks {
			t.Fatalf("%d clicks stored after SIGTERM, want %d", n, clicks)
		}
	})
}

// signupAndGetCode signs alice up on the server at base and returns her
// referral code, read from the dashboard.
func signupAndGetCode(t *testing.T, base string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	resp, err := (&http.Client{Jar: jar}).PostForm(base+"/signup",
		url.Values{"email": {"a@example.com"}, "username": {"alice"}, "password": {"password123"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`/r/([a-z0-9]{8})`).FindStringSubmatch(string(body))
	if m == nil {
		page := strings.TrimSpace(string(body))
		t.Fatalf("no link on the dashboard: %d %s", resp.StatusCode, page[:min(len(page), 200)])
	}
	return m[1]
}

func storedClicks(t *testing.T, dbURL string) int64 {
	t.Helper()
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.Read().CountClicks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
