package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

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
		cmd := exec.Command(os.Args[0], "serve")
		cmd.Env = append(os.Environ(), runMainEnv+"=1",
			"REFERRALHUB_DATABASE_URL="+getenv("REFERRALHUB_DATABASE_URL"),
			"REFERRALHUB_SECRET_KEY="+getenv("REFERRALHUB_SECRET_KEY"), "REFERRALHUB_ADDR=127.0.0.1:0")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		base := waitListening(t, stderr)
		code := signupAndGetCode(t, base)
		visitor := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		const clicks = 25
		for range clicks {
			if resp, err := visitor.Get(base + "/r/" + code); err != nil || resp.StatusCode != http.StatusFound {
				t.Fatalf("click: %v %v", resp, err)
			}
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no exit within 30 s of SIGTERM")
		}
		if n := storedClicks(t, getenv("REFERRALHUB_DATABASE_URL")); n != clicks {
			t.Fatalf("%d clicks stored after SIGTERM, want %d", n, clicks)
		}
	})
}

// waitListening reads the program's log until it says where it listens,
// then keeps draining it in the background.
func waitListening(t *testing.T, stderr io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`msg=listening addr=(\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- "http://" + m[1]
			}
		}
	}()
	select {
	case base := <-found:
		return base
	case <-time.After(30 * time.Second):
		t.Fatal("the program did not start listening")
	}
	return ""
}

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
		t.Fatalf("no link on the dashboard: %d %s", resp.StatusCode, strings.TrimSpace(string(body))[:200])
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
