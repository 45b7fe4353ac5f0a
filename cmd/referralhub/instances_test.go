package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/webhook"
)

// TestTwoInstancesGiveWhatOneGives runs the whole loop (signup, click,
// signup, purchase event, rewards, webhooks) against two real servers over
// one PostgreSQL database, alternating every person's requests between
// them, then runs it again against one server over a fresh database: the
// outcome must be the same, and no job or webhook may run twice.
func TestTwoInstancesGiveWhatOneGives(t *testing.T) {
	if !slices.Contains(storagetest.Engines(), "postgres") {
		t.Skip("several instances need PostgreSQL: set REFERRALHUB_TEST_DATABASE_URL")
	}
	two := loopOutcome(t, 2)
	one := loopOutcome(t, 1)
	for _, want := range []string{"alice: bob's first purchase", "bob: Your first purchase", `"referrals":1`,
		"reward.created", "leaderboard: #1", "jobs: map[done:"} {
		if !strings.Contains(two, want) {
			t.Fatalf("the loop did not run through (no %q):\n%s", want, two)
		}
	}
	if two != one {
		t.Fatalf("two instances gave\n%s\none gave\n%s", two, one)
	}
}

// loopOutcome runs the loop over n servers and describes what it left.
func loopOutcome(t *testing.T, n int) string {
	t.Helper()
	hooks := newHookLog()
	srv := httptest.NewServer(hooks)
	defer srv.Close()
	// The webhook receiver is an httptest server on 127.0.0.1: opt in to private addresses.
	getenv := testEnv(t, "postgres", map[string]string{"REFERRALHUB_SECRET_KEY": "instances test secret, shared by all",
		"REFERRALHUB_WEBHOOK_ALLOW_PRIVATE": "true"})
	key := setUpProgram(t, getenv, srv.URL)
	var bases []string
	for range n {
		base, stop := startServe(t, getenv)
		defer stop()
		bases = append(bases, base)
	}
	alice, bob := newPerson(t, bases, "alice"), newPerson(t, bases, "bob")
	alice.signup()
	link, err := url.Parse(alice.link())
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := bob.do(mustRequest("GET", link.Path)); status != http.StatusFound {
		t.Fatalf("bob's click: %d", status)
	}
	bob.signup()
	api := newPerson(t, bases, "api")
	bobID := participantOf(t, getenv, "bob")
	for i := range 2 { // the second is a repeat: it changes nothing
		api.apiPost(key, "/api/v1/events", fmt.Sprintf(`{"participant":%d,"type":"purchase","idempotency_key":"order-1","amount":%d,"currency":"usd"}`, bobID, 2500+i))
	}
	db := openDB(t, getenv)
	waitFor(t, func() bool {
		c, err := db.Read().JobCounts(context.Background())
		return err == nil && c[referralhub.JobQueued] == 0 && c[referralhub.JobRunning] == 0
	})
	var out strings.Builder
	fmt.Fprintf(&out, "alice: %s\nbob: %s\n", alice.rewardReasons(), bob.rewardReasons())
	fmt.Fprintf(&out, "stats: %s\n", api.apiGet(key, "/api/v1/stats"))
	fmt.Fprintf(&out, "leaderboard: %s\n", alice.rank())
	fmt.Fprintf(&out, "webhooks: %s\n", hooks.summary(t))
	c, _ := db.Read().JobCounts(context.Background())
	fmt.Fprintf(&out, "jobs: %v\n", c)
	return out.String()
}

// setUpProgram gives a fresh database the "give $10, get $10" program,
// risk checks that let the test's two browsers through, a webhook endpoint
// and an API key, through the core as an admin would.
func setUpProgram(t *testing.T, getenv func(string) string, hookURL string) string {
	t.Helper()
	ctx := context.Background()
	a := openTestApp(t, getenv)
	if _, err := a.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := a.svc.CreateUser(ctx, core.SignupInput{Email: "root@example.com", Username: "root", Password: "root-password", IsAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	fraud := referralhub.DefaultFraud()
	fraud.RequireVerifiedEmail, fraud.FastSignup = false, 0
	if err := a.svc.SaveFraud(ctx, admin, fraud); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.ApplyPreset(ctx, admin, core.PresetGiveGet); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.CreateWebhookEndpoint(ctx, admin, core.WebhookInput{URL: hookURL, Secret: "whsec_instances_test_secret",
		Events: []string{webhook.ReferralCreated, webhook.RewardCreated, webhook.RewardApproved, webhook.ParticipantCreated}}); err != nil {
		t.Fatal(err)
	}
	k, err := a.svc.CreateAPIKey(ctx, admin, "instances", "write")
	if err != nil {
		t.Fatal(err)
	}
	return k.Secret
}

func participantOf(t *testing.T, getenv func(string) string, login string) int64 {
	t.Helper()
	db := openDB(t, getenv)
	u, _, err := db.Read().UserForLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	to, err := db.Read().RecipientByUser(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return to.ParticipantID
}

func openDB(t *testing.T, getenv func(string) string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), getenv("REFERRALHUB_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("the jobs did not finish within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// person is one browser whose requests go to each server in turn.
type person struct {
	t      *testing.T
	name   string
	bases  []string
	next   int
	client *http.Client
}

func newPerson(t *testing.T, bases []string, name string) *person {
	jar, _ := cookiejar.New(nil)
	return &person{t: t, name: name, bases: bases, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends one request to the next server in turn; cookies set by one
// server are sent to all (the jar keys them by host, and all are
// 127.0.0.1).
func (p *person) do(req *http.Request) (int, string) {
	p.t.Helper()
	base, _ := url.Parse(p.bases[p.next%len(p.bases)])
	p.next++
	req.URL.Scheme, req.URL.Host = base.Scheme, base.Host
	req.Header.Set("User-Agent", "instances-test "+p.name) // not one browser seen twice
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustRequest(method, path string) *http.Request {
	req, err := http.NewRequest(method, "http://x"+path, nil)
	if err != nil {
		panic(err)
	}
	return req
}

func (p *person) get(path string) string {
	p.t.Helper()
	req, _ := http.NewRequest("GET", "http://x"+path, nil)
	status, body := p.do(req)
	if status >= 400 {
		p.t.Fatalf("%s GET %s: %d", p.name, path, status)
	}
	return body
}

func (p *person) signup() {
	p.t.Helper()
	form := url.Values{"email": {p.name + "@example.com"}, "username": {p.name}, "password": {"password123"}}
	req, _ := http.NewRequest("POST", "http://x/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, body := p.do(req); status != http.StatusSeeOther {
		p.t.Fatalf("%s signup: %d %s", p.name, status, body)
	}
}

func (p *person) link() string {
	p.t.Helper()
	body := p.get("/")
	const mark = `id="referral-link" class="mono" value="`
	i := strings.Index(body, mark)
	if i < 0 {
		p.t.Fatalf("no link on %s's dashboard", p.name)
	}
	rest := body[i+len(mark):]
	return rest[:strings.IndexByte(rest, '"')]
}

// rewardReasons lists the reasons on the rewards page, sorted.
func (p *person) rewardReasons() string {
	body := p.get("/rewards")
	var out []string
	for _, part := range strings.Split(body, `<p class="reward-reason">`)[1:] {
		out = append(out, html.UnescapeString(part[:strings.Index(part, "</p>")]))
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

func (p *person) rank() string {
	body := p.get("/leaderboard?period=all")
	const mark = `id="your-rank-value">`
	i := strings.Index(body, mark)
	if i < 0 {
		return "unranked"
	}
	rest := body[i+len(mark):]
	return rest[:strings.IndexByte(rest, '<')]
}

func (p *person) apiPost(key, path, body string) string {
	p.t.Helper()
	req, _ := http.NewRequest("POST", "http://x"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	status, out := p.do(req)
	if status >= 300 {
		p.t.Fatalf("POST %s: %d %s", path, status, out)
	}
	return out
}

func (p *person) apiGet(key, path string) string {
	p.t.Helper()
	req, _ := http.NewRequest("GET", "http://x"+path, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	status, out := p.do(req)
	if status != http.StatusOK {
		p.t.Fatalf("GET %s: %d %s", path, status, out)
	}
	var v struct {
		Participants int64           `json:"participants"`
		Referrals    int64           `json:"referrals"`
		Rewards      json.RawMessage `json:"rewards"`
		Outstanding  json.RawMessage `json:"outstanding"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		p.t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// hookLog receives webhooks and remembers each event once by its id.
type hookLog struct {
	mu     sync.Mutex
	byID   map[string]string // event id -> type
	copies int               // deliveries of an id already seen
}

func newHookLog() *hookLog { return &hookLog{byID: map[string]string{}} }

func (h *hookLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil || ev.ID == "" {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	if _, seen := h.byID[ev.ID]; seen {
		h.copies++
	}
	h.byID[ev.ID] = ev.Type
	h.mu.Unlock()
}

// summary lists the event types received, sorted; a delivery of an event
// twice fails the test.
func (h *hookLog) summary(t *testing.T) string {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.copies > 0 {
		t.Errorf("%d webhook events were delivered twice", h.copies)
	}
	var types []string
	for _, typ := range h.byID {
		types = append(types, typ)
	}
	slices.Sort(types)
	return strings.Join(types, ", ")
}
