package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// binDir holds the real ReferralHub once hubBinary has built it.
var binDir string

// hubBuild is the one build of the real ReferralHub (see hubBinary).
var hubBuild struct {
	once sync.Once
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "host-app-test")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hubBinary builds the real ReferralHub for the first test that starts
// one, and returns its path; a run whose tests all skip (no Chromium)
// builds nothing.
func hubBinary(t *testing.T) string {
	t.Helper()
	hubBuild.once.Do(func() {
		bin := filepath.Join(binDir, "referralhub")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/referralhub/referralhub/cmd/referralhub").CombinedOutput()
		if err != nil {
			hubBuild.err = fmt.Errorf("build referralhub: %v\n%s", err, out)
			return
		}
		hubBuild.bin = bin
	})
	if hubBuild.err != nil {
		t.Fatal(hubBuild.err)
	}
	return hubBuild.bin
}

// hub is a running ReferralHub: the real binary, on a database of its own.
type hub struct {
	bin   string // the referralhub binary
	base  string
	env   []string
	admin *http.Client
}

func startHub(t *testing.T, engine string) *hub {
	t.Helper()
	bin := hubBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	h := &hub{bin: bin, base: "http://" + addr, env: append(os.Environ(),
		"REFERRALHUB_DATABASE_URL="+storagetest.URL(t, engine),
		"REFERRALHUB_SECRET_KEY=host-app test secret key, long enough",
		"REFERRALHUB_ADDR="+addr, "REFERRALHUB_BASE_URL=http://"+addr,
		"REFERRALHUB_WEBHOOK_ALLOW_PRIVATE=true")} // the shop listens on 127.0.0.1
	h.run(t, "migrate")
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("admin-password"), 0o600)
	h.run(t, "user", "create", "--email", "admin@shop.test", "--username", "admin", "--password-file", pw, "--admin")
	cmd := exec.Command(h.bin, "serve")
	cmd.Env = h.env
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "msg=listening") {
				close(listening)
				io.Copy(io.Discard, stderr)
				return
			}
		}
	}()
	select {
	case <-listening:
	case <-time.After(30 * time.Second):
		t.Fatal("referralhub did not start")
	}
	jar, _ := cookiejar.New(nil)
	h.admin = &http.Client{Jar: jar}
	resp, err := h.admin.PostForm(h.base+"/login", url.Values{"login": {"admin"}, "password": {"admin-password"}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("admin login: %v %v", resp, err)
	}
	resp.Body.Close()
	return h
}

// run runs a ReferralHub command and returns what it printed.
func (h *hub) run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(h.bin, args...)
	cmd.Env = h.env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("referralhub %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// adminPost submits an admin form.
func (h *hub) adminPost(t *testing.T, path string, form url.Values) {
	t.Helper()
	resp, err := h.admin.PostForm(h.base+path, form)
	if err != nil || resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s: %v %v\n%s", path, resp.Status, err, body)
	}
	resp.Body.Close()
}

// TestIntegrationLoop runs the whole loop against a real ReferralHub: a
// visitor lands on the shop through a shared link, the snippet keeps the
// referral in the shop's cookie, the shop's signup creates the participant
// through the API with it, reports the verified email and a purchase, the
// program rewards the referrer, and the shop receives signed webhooks.
func TestIntegrationLoop(t *testing.T) {
	chromium := findChromium(t)
	for _, engine := range storagetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			h := startHub(t, engine)
			key := h.run(t, "api-key", "create", "--name", "shop", "--scope", "write")
			const secret = "whsec_host_app_test_secret"
			app := New(Config{Base: h.base, APIKey: key, WebhookSecret: secret}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			shop := httptest.NewServer(app)
			t.Cleanup(shop.Close)
			h.adminPost(t, "/admin/webhooks", url.Values{"url": {shop.URL + "/webhooks/referralhub"}, "secret": {secret},
				"events": {"participant.created", "referral.created", "reward.created", "reward.approved"}})

			ctx := context.Background()
			// Alice is a shop customer with a link to share.
			alice, err := app.api.UpsertParticipant(ctx, ParticipantInput{ExternalID: "alice", Email: "alice@shop.test", Name: "Alice"})
			if err != nil {
				t.Fatal(err)
			}
			// Bob lands on the shop through Alice's link to it, in a real
			// browser, and signs up with the shop's own form.
			browse(t, chromium, shop.URL+"/?ref="+alice.Code, "bob@shop.test", "Bob")

			bob := waitFor(t, func() (Participant, bool) {
				p, err := app.api.Participant(ctx, "shop-1")
				return p, err == nil
			})
			if bob.ID == 0 {
				t.Fatal("bob was not created")
			}
			// The signup rewarded Alice once Bob's email was verified (the
			// shop reports it): the default program gives 10 points.
			got := waitFor(t, func() (Participant, bool) {
				p, err := app.api.Participant(ctx, "alice")
				return p, err == nil && p.Stats.Points == 10
			})
			if got.Stats.Referrals != 1 || got.Stats.Points != 10 {
				t.Fatalf("alice after bob's signup: %+v", got.Stats)
			}
			// The shop heard about it through verified webhooks.
			hooks := waitFor(t, func() ([]Hook, bool) {
				seen := map[string]bool{}
				for _, hk := range app.Hooks() {
					seen[hk.Type] = true
				}
				return app.Hooks(), seen["participant.created"] && seen["referral.created"] && seen["reward.created"] && seen["reward.approved"]
			})
			for _, hk := range hooks {
				if !strings.HasPrefix(hk.ID, "evt_") || len(hk.Data) == 0 {
					t.Fatalf("webhook %+v", hk)
				}
			}
			// A purchase is an event the shop reports; it is recorded once
			// however often the shop retries it.
			for range 2 {
				if err := app.api.RecordEvent(ctx, EventInput{Participant: "ext:shop-1", Type: "purchase", Amount: 2500,
					Currency: "usd", IdempotencyKey: "shop-1-order-1"}); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// browse opens the shop as a visitor would, lets the snippet keep the
// referral, and signs up through the shop's form.
func browse(t *testing.T, chromium, page, email, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	run := func(a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.Run(tab, a); err != nil {
			t.Fatalf("browse the shop: %v", err)
		}
	}
	run(chromedp.Navigate(page))
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`window.ReferralHub && window.ReferralHub.attribution() !== null`)); err != nil {
		t.Fatalf("the snippet kept no attribution: %v", err)
	}
	cookie, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.cookie`))
	if err != nil {
		t.Fatal(err)
	}
	run(chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name),
		chromedp.Click(chromedp.CSS(`#signup button`)),
		chromedp.WaitVisible(chromedp.ID("link")),
	))
	if !regexp.MustCompile(`rh_attr=[a-z0-9]{8}\.`).MatchString(cookie) {
		t.Fatalf("the snippet's cookie on the shop: %q", cookie)
	}
	after, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.cookie`))
	if err != nil || strings.Contains(after, "rh_attr") {
		t.Fatalf("the snippet's cookie outlived the signup: %q, %v", after, err)
	}
}

// waitFor polls until ok, for up to 15 seconds (webhooks are sent by the
// job worker, which polls every second).
func waitFor[T any](t *testing.T, f func() (T, bool)) T {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		v, ok := f()
		if ok {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("not done within 15s; last: %+v", v)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// findChromium finds Debian's Chromium; without it the test is skipped,
// unless REFERRALHUB_TEST_BROWSER=1 (CI) says it must run. With -short it
// is skipped: a browser run is slow.
func findChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("a browser test: not with -short")
	}
	for _, p := range []string{os.Getenv("REFERRALHUB_CHROMIUM"), "/usr/bin/chromium"} {
		if fi, err := os.Stat(p); p != "" && err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	if os.Getenv("REFERRALHUB_TEST_BROWSER") == "1" {
		t.Fatal("REFERRALHUB_TEST_BROWSER=1 but no Chromium")
	}
	t.Skip("no Chromium at /usr/bin/chromium")
	return ""
}

// TestVerifySignature checks the shop's signature check on its own.
func TestVerifySignature(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"evt_1"}`)
	// HMAC-SHA256("s", "1800000000.{"id":"evt_1"}"), computed independently.
	good := "t=1800000000,v1=" + hmacHex("s", `1800000000.{"id":"evt_1"}`)
	if err := VerifySignature(good, body, "s", now); err != nil {
		t.Fatal(err)
	}
	for name, header := range map[string]string{
		"wrong secret": "t=1800000000,v1=" + hmacHex("other", `1800000000.{"id":"evt_1"}`),
		"old":          "t=1799990000,v1=" + hmacHex("s", `1799990000.{"id":"evt_1"}`),
		"malformed":    "v1=abc",
	} {
		if err := VerifySignature(header, body, "s", now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func hmacHex(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}
