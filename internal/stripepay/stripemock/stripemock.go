// Package stripemock runs Stripe's stripe-mock server for tests.
//
// stripe-mock answers every valid request with a fixture and remembers
// nothing, so tests can check what was sent and that the answer parses, not
// that Stripe's state changed. Install it with
//
//	go install github.com/stripe/stripe-mock@v0.203.0
package stripemock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/build"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvRequired names the variable that turns a missing stripe-mock from a
// skip into a failure. CI sets it to 1.
const EnvRequired = "REFERRALHUB_TEST_STRIPE"

// startTimeout bounds how long stripe-mock may take to listen and answer;
// it usually needs under a second.
const startTimeout = 30 * time.Second

// Start runs stripe-mock on 127.0.0.1 with free ports for both -http-addr and
// -https-addr (pass both, or it listens on every interface), waits until it
// answers, and stops it on t.Cleanup. It returns the http API base
// ("http://127.0.0.1:PORT").
//
// It finds the binary on PATH or in $(go env GOPATH)/bin (GOBIN too). When it
// is missing, the test is skipped — unless REFERRALHUB_TEST_STRIPE=1, in
// which case it fails (CI sets that).
func Start(t testing.TB) string {
	t.Helper()
	bin, err := find()
	if err != nil {
		if os.Getenv(EnvRequired) == "1" {
			t.Fatalf("stripe-mock is required (%s=1): %v", EnvRequired, err)
		}
		t.Skipf("stripe-mock not installed (go install github.com/stripe/stripe-mock@v0.203.0): %v", err)
	}
	out := &output{addr: make(chan string, 1)}
	// An empty port lets the kernel choose, so parallel tests never race
	// for one; stripe-mock prints the address it got.
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	base, err := awaitReady(out, exited)
	if err != nil {
		t.Fatalf("stripe-mock: %v\n%s", err, out.String())
	}
	return base
}

// awaitReady waits for the HTTP address line and then for an answer there.
func awaitReady(out *output, exited <-chan struct{}) (string, error) {
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	var base string
	select {
	case addr := <-out.addr:
		base = "http://" + addr
	case <-exited:
		return "", errors.New("exited before listening")
	case <-deadline.C:
		return "", fmt.Errorf("no HTTP address printed within %v", startTimeout)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		if answers(ctx, base) {
			return base, nil
		}
		select {
		case <-exited:
			return "", errors.New("exited before answering")
		case <-ctx.Done():
			return "", fmt.Errorf("no answer at %s within %v", base, startTimeout)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// answers reports whether anything HTTP answers at base. stripe-mock says
// 401 to a request without a key, which is answer enough.
func answers(ctx context.Context, base string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/coupons", nil)
	if err != nil {
		return false
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	res.Body.Close()
	return true
}

// find looks for stripe-mock on PATH, then in GOBIN and GOPATH/bin.
func find() (string, error) {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	var tried []string
	for _, dir := range goBinDirs() {
		p := filepath.Join(dir, "stripe-mock")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("not on PATH, nor at %s", strings.Join(tried, ", "))
}

// goBinDirs lists where `go install` may have put binaries: GOBIN and each
// GOPATH entry's bin. It asks the go command, falling back to the
// environment when go is not on PATH.
func goBinDirs() []string {
	gobin, gopath := os.Getenv("GOBIN"), os.Getenv("GOPATH")
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out))+"\n", "\n")
		gobin, gopath = strings.TrimSpace(lines[0]), strings.TrimSpace(lines[1])
	}
	if gopath == "" {
		gopath = build.Default.GOPATH
	}
	var dirs []string
	if gobin != "" {
		dirs = append(dirs, gobin)
	}
	for _, p := range filepath.SplitList(gopath) {
		dirs = append(dirs, filepath.Join(p, "bin"))
	}
	return dirs
}

// output collects stripe-mock's output and hands over the HTTP address
// from its "Listening for HTTP at address: 127.0.0.1:PORT" line.
type output struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	sent bool
	addr chan string
}

const listenPrefix = "Listening for HTTP at address: "

// Write implements io.Writer.
func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	if !o.sent {
		for line := range strings.Lines(o.buf.String()) {
			if addr, ok := strings.CutPrefix(line, listenPrefix); ok && strings.HasSuffix(line, "\n") {
				o.addr <- strings.TrimSpace(addr)
				o.sent = true
				break
			}
		}
	}
	return len(p), nil
}

// String returns everything stripe-mock printed so far.
func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
