package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/password"
	"github.com/referralhub/referralhub/internal/reqid"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/web"
	"github.com/referralhub/referralhub/internal/webhook"
	"github.com/referralhub/referralhub/internal/worker"
)

// The addresses requests come from in TestNoRawIPIsStored, and a
// forwarding header's, each distinctive enough to find anywhere.
const (
	ipv4      = "203.0.113.77"
	ipv6      = "2001:db8::77"
	forwarded = "198.51.100.99"
)

// ipTraces are what a stored or logged address would leave: the addresses,
// their /24 and /64 subnets, and the forwarded one.
var ipTraces = []string{ipv4, "203.0.113.", ipv6, "2001:db8:", forwarded}

// lockedBuffer is a log sink that goroutines (the click buffer, the worker)
// may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// loggedSite is the hosted site as cmd/ wires it, logging (with request
// ids, mail included) to a buffer, called directly rather than over TCP so
// that each request's RemoteAddr is the test's to choose.
type loggedSite struct {
	h      http.Handler
	clicks *clicks.Buffer
	jobs   *worker.Worker
	logs   *lockedBuffer
}

func newLoggedSite(t *testing.T, db *storage.DB) *loggedSite {
	t.Helper()
	ls := &loggedSite{logs: &lockedBuffer{}}
	log := slog.New(reqid.Handler{Handler: slog.NewTextHandler(ls.logs, &slog.HandlerOptions{Level: slog.LevelDebug})})
	ips := clicks.NewIPHasher(24*time.Hour, clicks.StoredSalts(db, time.Now))
	codes := clicks.NewCodeCache(clicks.CodeCacheConfig{TTL: time.Minute, NegativeTTL: time.Second, MaxItems: 1000}, time.Now, db.Read().CodeOwner)
	ls.clicks = clicks.NewBuffer(clicks.BufferConfig{Capacity: 1000, BatchSize: 100, FlushInterval: time.Hour}, log, db.InsertClicks)
	go ls.clicks.Run()
	t.Cleanup(func() { ls.clicks.Close(context.Background()) })
	templates, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	svc := core.New(core.Deps{DB: db, Settings: core.DefaultSettings(), Now: time.Now, Hasher: password.NewHasher(password.OWASP(), 2),
		SecretKey: []byte("web test secret key, long enough!"), Codes: codes, Clicks: ls.clicks, IPs: ips, Logger: log,
		BaseURL: "http://hub.example", Mailer: mail.NewLog(log, "test@example.com"), Templates: templates,
		Webhooks: webhook.NewSender(webhook.SenderConfig{AllowPrivate: true})})
	if err := svc.EnsureIPSalts(context.Background()); err != nil { // so addresses are hashed, as in production
		t.Fatal(err)
	}
	ls.jobs = worker.New(db, svc.JobHandlers(), worker.Config{Now: time.Now, Log: log})
	if ls.h, err = web.New(web.Config{BaseURL: "http://hub.example"}, svc, db, log, time.Now); err != nil {
		t.Fatal(err)
	}
	return ls
}

// visitor sends requests from one address, keeping cookies.
type visitor struct {
	t    *testing.T
	site *loggedSite
	addr string // RemoteAddr, host:port
	jar  *cookiejar.Jar
}

func (ls *loggedSite) visitor(t *testing.T, addr string) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: t, site: ls, addr: addr, jar: jar}
}

var hubURL = &url.URL{Scheme: "http", Host: "hub.example", Path: "/"}

// do runs one request through the handler and returns the response.
func (v *visitor) do(method, path string, form url.Values) *http.Response {
	v.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, "http://hub.example"+path, body)
	req.RemoteAddr = v.addr
	req.Header.Set("User-Agent", "Mozilla/5.0 (privacy test)")
	req.Header.Set("X-Forwarded-For", forwarded)
	req.Header.Set("X-Real-Ip", forwarded)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range v.jar.Cookies(hubURL) {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	v.site.h.ServeHTTP(rec, req)
	resp := rec.Result()
	v.jar.SetCookies(hubURL, resp.Cookies())
	return resp
}

// expect runs a request and checks its status.
func (v *visitor) expect(method, path string, form url.Values, status int) *http.Response {
	v.t.Helper()
	resp := v.do(method, path, form)
	if resp.StatusCode != status {
		v.t.Fatalf("%s %s from %s: %d, want %d", method, path, v.addr, resp.StatusCode, status)
	}
	return resp
}

// TestNoRawIPIsStored runs signups, logins, clicks, dashboards, mistakes
// and logouts from distinctive IPv4 and IPv6 addresses (with a forwarding
// header too), then searches every text column of the database and every
// log line for any trace of them.
func TestNoRawIPIsStored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ls := newLoggedSite(t, db)
		account := func(name string) url.Values {
			return url.Values{"email": {name + "@example.com"}, "username": {name}, "password": {"password123"}}
		}
		alice := ls.visitor(t, ipv4+":40001")
		alice.expect("POST", "/signup", account("ipalice"), http.StatusSeeOther)
		page, _ := io.ReadAll(alice.expect("GET", "/", nil, http.StatusOK).Body)
		_, rest, ok := strings.Cut(string(page), `value="http://hub.example/r/`)
		if !ok {
			t.Fatalf("no link on the dashboard:\n%s", page)
		}
		code := rest[:strings.IndexByte(rest, '"')]
		bob := ls.visitor(t, "["+ipv6+"]:40002")
		bob.expect("GET", "/r/"+code, nil, http.StatusFound)
		bob.expect("GET", "/signup", nil, http.StatusOK)
		bob.expect("POST", "/signup", account("ipbob"), http.StatusSeeOther)
		bob.expect("GET", "/", nil, http.StatusOK)
		bob.expect("GET", "/rewards", nil, http.StatusOK)
		bob.expect("GET", "/settings/export", nil, http.StatusOK)
		bob.expect("POST", "/logout", nil, http.StatusSeeOther)
		bob.expect("POST", "/login", url.Values{"login": {"ipbob"}, "password": {"wrong-password"}}, http.StatusUnauthorized)
		bob.expect("POST", "/login", url.Values{"login": {"ipbob"}, "password": {"password123"}}, http.StatusSeeOther)
		for _, addr := range []string{ipv4 + ":40003", "[" + ipv6 + "]:40004"} {
			stranger := ls.visitor(t, addr)
			stranger.expect("GET", "/r/"+code, nil, http.StatusFound)
			stranger.expect("HEAD", "/r/"+code, nil, http.StatusFound)
			stranger.expect("GET", "/r/zzzzzzzz", nil, http.StatusFound)
			stranger.expect("GET", "/no-such-page", nil, http.StatusNotFound)
			stranger.expect("POST", "/password-reset", url.Values{"email": {"ipbob@example.com"}}, http.StatusSeeOther)
			stranger.expect("POST", "/signup", url.Values{"email": {"bad"}}, http.StatusUnprocessableEntity)
		}
		alice.expect("POST", "/logout", nil, http.StatusSeeOther)
		if err := ls.clicks.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := ls.jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}

		// Controls: the clicks were stored (with a hash) and the logs hold
		// the requests, so finding no address means none was written.
		if n, err := db.Read().CountClicks(context.Background()); err != nil || n != 3 {
			t.Fatalf("clicks stored: %d, %v; want 3", n, err)
		}
		logs := ls.logs.String()
		if !strings.Contains(logs, "path=/signup") || !strings.Contains(logs, "ipbob@example.com") {
			t.Fatalf("the logs missed the requests or the mail:\n%s", logs)
		}
		storagetest.AssertSomewhere(t, db, "ipbob")
		storagetest.AssertNowhere(t, db, ipTraces...)
		for _, trace := range ipTraces {
			if strings.Contains(logs, trace) {
				t.Errorf("the logs hold %q:\n%s", trace, logs)
			}
		}
	})
}
