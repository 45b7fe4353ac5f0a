package stripepay_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"

	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/stripepay/stripemock"
)

// testKey is the kind of key stripe-mock accepts.
const testKey = "sk_test_123"

func newClient(t *testing.T, base string) *stripepay.Client {
	t.Helper()
	c, err := stripepay.New(stripepay.Config{SecretKey: testKey, APIBase: base})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// request is what the recorder saw of one call on its way to stripe-mock.
type request struct {
	Method, Path string
	Header       http.Header
	Form         url.Values
	Query        url.Values
}

// recorder is a reverse proxy in front of stripe-mock that records every
// request, so tests can check headers and form bodies Stripe would get.
type recorder struct {
	URL  string
	mu   sync.Mutex
	reqs []request
}

func startRecorder(t *testing.T, target string) *recorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(t, r)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rec.URL = srv.URL
	return rec
}

func (rec *recorder) add(t *testing.T, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("read body: %v", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, err := url.ParseQuery(string(body))
	if err != nil {
		t.Errorf("parse form %q: %v", body, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reqs = append(rec.reqs, request{r.Method, r.URL.Path, r.Header.Clone(), form, r.URL.Query()})
}

func (rec *recorder) requests() []request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]request(nil), rec.reqs...)
}

// mockClient starts stripe-mock behind a recorder and returns a client
// pointed at the recorder.
func mockClient(t *testing.T) (*stripepay.Client, *recorder) {
	t.Helper()
	rec := startRecorder(t, stripemock.Start(t))
	return newClient(t, rec.URL), rec
}

func TestNew(t *testing.T) {
	good := []stripepay.Config{
		{SecretKey: testKey},
		{SecretKey: testKey, APIBase: "http://127.0.0.1:12111"},
		{SecretKey: testKey, APIBase: "https://api.stripe.com/"},
	}
	for _, cfg := range good {
		if _, err := stripepay.New(cfg); err != nil {
			t.Errorf("New(%+v): %v", cfg.APIBase, err)
		}
	}
	bad := []stripepay.Config{
		{},
		{APIBase: "http://127.0.0.1:12111"},
		{SecretKey: testKey, APIBase: "127.0.0.1:12111"},
		{SecretKey: testKey, APIBase: "ftp://example.com"},
		{SecretKey: testKey, APIBase: "http://"},
		{SecretKey: testKey, APIBase: "http://user:pw@example.com"},
		{SecretKey: testKey, APIBase: "http://example.com/?x=1"},
		{SecretKey: testKey, APIBase: "://nope"},
	}
	for _, cfg := range bad {
		if _, err := stripepay.New(cfg); err == nil {
			t.Errorf("New(key %t, base %q): no error", cfg.SecretKey != "", cfg.APIBase)
		}
	}
}
