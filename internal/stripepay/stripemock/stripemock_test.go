package stripemock_test

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/stripepay/stripemock"
)

func TestStart(t *testing.T) {
	var base string
	t.Run("running", func(t *testing.T) {
		base = stripemock.Start(t)
		if !strings.HasPrefix(base, "http://127.0.0.1:") {
			t.Fatalf("base %q is not on 127.0.0.1", base)
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/coupons", nil)
		req.SetBasicAuth("sk_test_123", "")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET /v1/coupons: %s", res.Status)
		}
	})
	if base == "" {
		return // skipped
	}
	u, _ := url.Parse(base)
	if conn, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		conn.Close()
		t.Errorf("stripe-mock still listening on %s after cleanup", u.Host)
	}
}

// fakeTB records how Start gave up instead of ending the goroutine.
type fakeTB struct {
	testing.TB
	how string
}

type stop struct{}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Skipf(string, ...any)  { f.how = "skip"; panic(stop{}) }
func (f *fakeTB) Fatalf(string, ...any) { f.how = "fatal"; panic(stop{}) }

func startMissing(t *testing.T) string {
	f := &fakeTB{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(stop); !ok {
					panic(r)
				}
			}
		}()
		stripemock.Start(f)
	}()
	return f.how
}

func TestStartMissing(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PATH", empty) // no stripe-mock, and no go to ask for GOPATH
	t.Setenv("GOPATH", empty)
	t.Setenv("GOBIN", "")
	t.Setenv(stripemock.EnvRequired, "")
	if how := startMissing(t); how != "skip" {
		t.Errorf("without %s: Start did %q, want skip", stripemock.EnvRequired, how)
	}
	t.Setenv(stripemock.EnvRequired, "1")
	if how := startMissing(t); how != "fatal" {
		t.Errorf("with %s=1: Start did %q, want fatal", stripemock.EnvRequired, how)
	}
}
