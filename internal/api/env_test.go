package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/api"
	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/password"
	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/web"
)

// env is the real site with the API mounted, over a real database and
// real HTTP, with a write key and a read key.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	db     *storage.DB
	svc    *core.Service
	clicks *clicks.Buffer
	admin  referralhub.User
	write  string // a write key
	read   string // a read key
}

// envOptions are the optional parts of an env.
type envOptions struct {
	limit ratelimit.Limit // the API's rate limit; off by default
	fraud bool            // keep the default fraud settings (and the verification gate)
}

func newEnv(t *testing.T, db *storage.DB) *env { return newEnvWith(t, db, envOptions{}) }

func newEnvWith(t *testing.T, db *storage.DB, opt envOptions) *env {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	ips := clicks.NewIPHasher(24*time.Hour, clicks.StoredSalts(db, time.Now))
	codes := clicks.NewCodeCache(clicks.CodeCacheConfig{TTL: time.Minute, NegativeTTL: time.Second, MaxItems: 1000}, time.Now, db.Read().CodeOwner)
	buffer := clicks.NewBuffer(clicks.BufferConfig{Capacity: 1000, BatchSize: 100, FlushInterval: time.Hour}, log, db.InsertClicks)
	go buffer.Run()
	t.Cleanup(func() { // bounded: clicks a closed database cannot take would be retried for ever
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		buffer.Close(ctx)
	})
	templates, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	svc := core.New(core.Deps{DB: db, Settings: core.DefaultSettings(), Now: time.Now, Hasher: password.NewHasher(password.OWASP(), 2),
		SecretKey: []byte("api test secret key, long enough!"), Codes: codes, Clicks: buffer, IPs: ips, Logger: log, BaseURL: base,
		Mailer: mail.NewLog(log, "test@example.com"), Templates: templates})
	if err := svc.EnsureIPSalts(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: srv, db: db, svc: svc, clicks: buffer}
	if e.admin, err = svc.CreateUser(ctx, core.SignupInput{Email: "root@example.com", Username: "root", Password: "admin-password", IsAdmin: true}); err != nil {
		t.Fatal(err)
	}
	if !opt.fraud {
		e.relaxFraud()
	}
	var limiter ratelimit.Limiter
	if !opt.limit.Off() {
		limiter = ratelimit.NewMemory(time.Now)
	}
	apiHandler := api.New(api.Config{Limiter: limiter, Limit: opt.limit, Secret: []byte("limit keys"), Idempotency: db.Write()}, svc, log)
	site, err := web.New(web.Config{BaseURL: base, API: apiHandler}, svc, db, log, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = site
	srv.Start()
	t.Cleanup(srv.Close)
	e.write, e.read = e.newKey("writer", core.ScopeWrite), e.newKey("reader", core.ScopeRead)
	return e
}

// newKey makes an API key and returns its secret.
func (e *env) newKey(name, scope string) string {
	e.t.Helper()
	k, err := e.svc.CreateAPIKey(context.Background(), e.admin, name, scope)
	if err != nil {
		e.t.Fatal(err)
	}
	return k.Secret
}

// relaxFraud makes risk scores change nothing, so rewards run at once.
func (e *env) relaxFraud() {
	e.t.Helper()
	prog := core.DefaultProgram(core.DefaultSettings())
	fraud := referralhub.DefaultFraud()
	fraud.ReviewThreshold, fraud.BlockThreshold, fraud.RequireVerifiedEmail = 101, 101, false
	prog.Fraud = &fraud
	e.saveProgram(prog)
}

// saveProgram makes prog the program.
func (e *env) saveProgram(prog referralhub.Program) {
	e.t.Helper()
	if _, err := e.svc.SaveProgram(context.Background(), e.admin, prog, "api tests"); err != nil {
		e.t.Fatal(err)
	}
}

// response is an API answer with its body read.
type response struct {
	*http.Response
	body []byte
}

// request sends method path with key (none when ""), a body sent as JSON
// when it is not empty, and extra headers as name, value pairs.
func (e *env) request(method, path, key, body string, headers ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Response: resp, body: b}
}

func (e *env) get(path string) response { e.t.Helper(); return e.request("GET", path, e.write, "") }

func (e *env) post(path, body string, headers ...string) response {
	e.t.Helper()
	return e.request("POST", path, e.write, body, headers...)
}

// decode reads the response body into v, failing unless the status is want.
func (r response) decode(t *testing.T, want int, v any) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiError is the error shape every failure has.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// wantError checks that r is an error with status, code and field.
func (r response) wantError(t *testing.T, status int, code, field string) {
	t.Helper()
	var e apiError
	r.decode(t, status, &e)
	if e.Error.Code != code || e.Error.Field != field || e.Error.Message == "" {
		t.Fatalf("%s %s: error %+v, want %s on %q", r.Request.Method, r.Request.URL.Path, e.Error, code, field)
	}
}

// The response shapes, strict: a field the API adds or drops fails them.

type participantBody struct {
	ID           int64      `json:"id"`
	ExternalID   *string    `json:"external_id"`
	Email        *string    `json:"email"`
	Name         *string    `json:"name"`
	Plan         string     `json:"plan"`
	Code         string     `json:"code"`
	ReferralLink string     `json:"referral_link"`
	ReferredBy   *refBody   `json:"referred_by"`
	Campaign     string     `json:"campaign"`
	CreatedAt    time.Time  `json:"created_at"`
	Stats        statsOfOne `json:"stats"`
	// ReferralPrompt and Experiment: docs/experiments.md.
	ReferralPrompt bool     `json:"referral_prompt"`
	Experiment     *armBody `json:"experiment"`
}

type armBody struct {
	ID  int64  `json:"id"`
	Arm string `json:"arm"`
}

type refBody struct {
	ID         int64   `json:"id"`
	ExternalID *string `json:"external_id"`
}

type statsOfOne struct {
	Referrals int64         `json:"referrals"`
	Clicks    int64         `json:"clicks"`
	Points    int64         `json:"points"`
	Balances  []balanceBody `json:"balances"`
}

type balanceBody struct {
	Kind      string  `json:"kind"`
	Currency  *string `json:"currency"`
	Available int64   `json:"available"`
	Pending   int64   `json:"pending"`
}

type referralBody struct {
	ID         int64      `json:"id"`
	Referee    refBody    `json:"referee"`
	ClickID    *string    `json:"click_id"`
	Review     string     `json:"review"`
	RiskScore  int        `json:"risk_score"`
	CreatedAt  time.Time  `json:"created_at"`
	ImportedAt *time.Time `json:"imported_at"`
}

type rewardBody struct {
	ID            int64      `json:"id"`
	ParticipantID int64      `json:"participant_id"`
	Side          *string    `json:"side"`
	Entry         string     `json:"entry"`
	Kind          string     `json:"kind"`
	Amount        int64      `json:"amount"`
	Currency      *string    `json:"currency"`
	PercentOff    *int64     `json:"percent_off"`
	Status        string     `json:"status"`
	Reason        string     `json:"reason"`
	ReferralID    *int64     `json:"referral_id"`
	EventID       *int64     `json:"event_id"`
	ReversesID    *int64     `json:"reverses_id"`
	PromoCode     *string    `json:"promo_code"`
	HoldUntil     *time.Time `json:"hold_until"`
	CreditedAt    time.Time  `json:"credited_at"`
	ApprovedAt    *time.Time `json:"approved_at"`
	RedeemAskedAt *time.Time `json:"redeem_asked_at"`
	RedeemedAt    *time.Time `json:"redeemed_at"`
	FulfilledAt   *time.Time `json:"fulfilled_at"`
	ReversedAt    *time.Time `json:"reversed_at"`
	CancelledAt   *time.Time `json:"cancelled_at"`
}

type listBody[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

type eventBody struct {
	ID             int64           `json:"id"`
	ParticipantID  int64           `json:"participant_id"`
	Type           string          `json:"type"`
	Amount         *int64          `json:"amount"`
	Currency       *string         `json:"currency"`
	Purchase       *string         `json:"purchase"`
	IdempotencyKey string          `json:"idempotency_key"`
	OccurredAt     *time.Time      `json:"occurred_at"`
	Metadata       json.RawMessage `json:"metadata"`
	ReferralID     *int64          `json:"referral_id"`
	CreatedAt      time.Time       `json:"created_at"`
	Rewards        []rewardBody    `json:"rewards"`
}

// participant upserts a participant from a JSON body and returns it,
// failing unless the status is want.
func (e *env) participant(body string, want int) participantBody {
	e.t.Helper()
	var p participantBody
	e.post("/api/v1/participants", body).decode(e.t, want, &p)
	return p
}
