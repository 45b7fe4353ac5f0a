package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/integrations/stripehook"
	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/mail/mailtest"
	"github.com/referralhub/referralhub/internal/password"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/web"
	"github.com/referralhub/referralhub/internal/webhook"
	"github.com/referralhub/referralhub/internal/worker"
)

// site is a running hosted site over a real database and real HTTP, with
// a real SMTP server in-process and a job worker the test drives.
type site struct {
	srv    *httptest.Server
	db     *storage.DB
	svc    *core.Service
	clicks *clicks.Buffer
	now    func() time.Time
	smtp   *mailtest.Server
	jobs   *worker.Worker
}

// siteOptions are the optional parts of a test site.
type siteOptions struct {
	stripeBase string        // a stripe-mock URL; "" leaves Stripe unconfigured
	rateLimit  web.RateLimit // the zero value limits nothing
	// fraud keeps the default fraud settings; otherwise risk scores and
	// the verification gate change nothing, so other tests see rewards run.
	fraud bool
	// trustedProxies are believed about X-Forwarded-For and -Proto.
	trustedProxies []netip.Prefix
	// metrics, when set, measures the site and serves /metrics with its token.
	metrics *siteMetrics
	// stripeSecret is the Stripe webhook's signing secret; "" leaves it unset.
	stripeSecret string
	// log, when set, gets the site's and the core's log lines.
	log io.Writer
	// heldMail, when set, holds every mail for this reason, as production
	// without a mail server does (mail.Held).
	heldMail string
}

// clockAt returns a settable clock for tests that move time.
type clockAt struct{ t time.Time }

func (c *clockAt) now() time.Time { return c.t }

func newSite(t testing.TB, db *storage.DB) *site {
	return newSiteAt(t, db, time.Now)
}

func newSiteAt(t testing.TB, db *storage.DB, now func() time.Time) *site {
	return newSiteWith(t, db, now, siteOptions{})
}

func newSiteWith(t testing.TB, db *storage.DB, now func() time.Time, opt siteOptions) *site {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	s := &site{srv: srv, db: db, now: now, smtp: mailtest.Start(t)}
	var h http.Handler
	h, s.svc, s.clicks, s.jobs = newHandler(t, db, "http://"+srv.Listener.Addr().String(), now, s.smtp.URL(), opt)
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return s
}

// newHandler wires the core, its worker and the web face over db, as cmd/
// does. The worker does not run by itself: tests call runJobs.
func newHandler(t testing.TB, db *storage.DB, baseURL string, now func() time.Time, smtpURL string, opt siteOptions) (http.Handler, *core.Service, *clicks.Buffer, *worker.Worker) {
	t.Helper()
	logTo := opt.log
	if logTo == nil {
		logTo = io.Discard
	}
	log := slog.New(slog.NewTextHandler(logTo, nil))
	ips := clicks.NewIPHasher(24*time.Hour, clicks.StoredSalts(db, now))
	codes := clicks.NewCodeCache(clicks.CodeCacheConfig{TTL: time.Minute, NegativeTTL: time.Second, MaxItems: 1000}, now, db.Read().CodeOwner)
	buffer := clicks.NewBuffer(clicks.BufferConfig{Capacity: 1000, BatchSize: 100, FlushInterval: time.Hour}, log, db.InsertClicks)
	go buffer.Run()
	t.Cleanup(func() { // bounded: clicks a closed database cannot take would be retried for ever
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		buffer.Close(ctx)
	})
	deps := core.Deps{DB: db, Settings: core.DefaultSettings(), Now: now, Hasher: password.NewHasher(password.OWASP(), 2),
		SecretKey: []byte("web test secret key, long enough!"), Codes: codes, Clicks: buffer, IPs: ips, Logger: log, BaseURL: baseURL}
	var err error
	if deps.Templates, err = mail.NewTemplates(); err != nil {
		t.Fatal(err)
	}
	deps.Mailer = mail.NewLog(log, "test@example.com")
	deps.Webhooks = webhook.NewSender(webhook.SenderConfig{AllowPrivate: true})
	if smtpURL != "" {
		if deps.Mailer, err = mail.NewSMTP(smtpURL, "ReferralHub <noreply@example.com>"); err != nil {
			t.Fatal(err)
		}
	}
	if opt.heldMail != "" {
		deps.Mailer = mail.NewHeld(opt.heldMail)
	}
	if opt.stripeBase != "" {
		client, err := stripepay.New(stripepay.Config{SecretKey: "sk_test_123", APIBase: opt.stripeBase})
		if err != nil {
			t.Fatal(err)
		}
		deps.Payments = client
	}
	svc := core.New(deps)
	if err := svc.EnsureIPSalts(context.Background()); err != nil {
		t.Fatal(err)
	}
	jobs := worker.New(db, svc.JobHandlers(), worker.Config{Now: now, Log: log})
	if !opt.fraud {
		relaxFraud(t, db, now())
	}
	cfg := web.Config{BaseURL: baseURL, RateLimit: opt.rateLimit, TrustedProxies: opt.trustedProxies, ClicksReady: buffer.Ready,
		StripeWebhook: stripehook.New(opt.stripeSecret, svc, log)}
	opt.metrics.wire(&cfg, buffer, db)
	h, err := web.New(cfg, svc, db, log, now)
	if err != nil {
		t.Fatal(err)
	}
	return h, svc, buffer, jobs
}

// runJobs runs every due job, as the worker would.
func (s *site) runJobs(t testing.TB) {
	t.Helper()
	if _, err := s.jobs.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// browser is one visitor with a cookie jar who sees redirects as they are.
type browser struct {
	t    testing.TB
	site *site
	c    *http.Client
}

func (s *site) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, site: s, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and returns the response with its body read.
func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.site.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.site.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signup signs the browser up and checks it lands on the dashboard.
func (b *browser) signup(username string) {
	b.t.Helper()
	resp, body := b.post("/signup", url.Values{"email": {username + "@example.com"}, "username": {username}, "password": {"password123"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		b.t.Fatalf("signup %s: %d %s", username, resp.StatusCode, body)
	}
}

// link returns the referral link shown on the browser's dashboard.
func (b *browser) link() string {
	b.t.Helper()
	_, body := b.get("/")
	i := strings.Index(body, `id="referral-link" class="mono" value="`)
	if i < 0 {
		b.t.Fatalf("no referral link on dashboard:\n%s", body)
	}
	rest := body[i+len(`id="referral-link" class="mono" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.site.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (s *site) flushClicks(t testing.TB) {
	t.Helper()
	if err := s.clicks.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// stat returns the number shown in a dashboard stat by its element id.
func stat(t testing.TB, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`">`)
	if i < 0 {
		t.Fatalf("no %s on page", id)
	}
	rest := body[i+len(`id="`+id+`">`):]
	return rest[:strings.IndexByte(rest, '<')]
}

// relaxFraud saves the default program with risk checks that change
// nothing: scores are still computed and stored.
func relaxFraud(t testing.TB, db *storage.DB, now time.Time) {
	t.Helper()
	prog := core.DefaultProgram(core.DefaultSettings())
	fraud := referralhub.DefaultFraud()
	fraud.ReviewThreshold, fraud.BlockThreshold, fraud.RequireVerifiedEmail = 101, 101, false
	prog.Fraud = &fraud
	err := db.InTx(context.Background(), func(q *storage.Queries) error {
		_, err := q.SaveProgram(context.Background(), prog, 0, "tests: risk checks off", now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
