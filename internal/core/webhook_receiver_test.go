package core_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/webhook"
)

// hook is one request a receiver got, with its body decoded.
type hook struct {
	Header http.Header
	Raw    []byte
	Body   struct {
		ID      string          `json:"id"`
		Type    string          `json:"type"`
		Created string          `json:"created"`
		Data    json.RawMessage `json:"data"`
	}
	Verified error // VerifySignature's verdict, at the test clock
}

// data decodes the hook's data into a map.
func (h hook) data(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(h.Body.Data, &m); err != nil {
		t.Fatalf("data of %s: %v", h.Body.Type, err)
	}
	return m
}

// receiver is a real HTTP endpoint that records every delivery, checks
// its signature with the documented code, and answers what answer says.
type receiver struct {
	srv    *httptest.Server
	secret string
	now    func() time.Time
	mu     sync.Mutex
	got    []hook
	answer func(h hook, n int) int // n counts this event's earlier requests
}

func newReceiver(t *testing.T, secret string, now func() time.Time) *receiver {
	rc := &receiver{secret: secret, now: now, answer: func(hook, int) int { return http.StatusOK }}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var h hook
		h.Header = r.Header.Clone()
		h.Raw, _ = io.ReadAll(r.Body)
		if err := json.Unmarshal(h.Raw, &h.Body); err != nil {
			t.Errorf("delivery body is not JSON: %v\n%s", err, h.Raw)
		}
		h.Verified = webhook.VerifySignature(h.Raw, r.Header.Get("ReferralHub-Signature"), rc.secret, 5*time.Minute, rc.now())
		rc.mu.Lock()
		n := 0
		for _, g := range rc.got {
			if g.Body.ID == h.Body.ID {
				n++
			}
		}
		rc.got = append(rc.got, h)
		answer := rc.answer
		rc.mu.Unlock()
		w.WriteHeader(answer(h, n))
		io.WriteString(w, "received")
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// hooks returns what the receiver got so far.
func (rc *receiver) hooks() []hook {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hook(nil), rc.got...)
}

// types lists the types of what the receiver got, in order.
func (rc *receiver) types() []string {
	var out []string
	for _, h := range rc.hooks() {
		out = append(out, h.Body.Type)
	}
	return out
}

// setAnswer changes how the receiver answers.
func (rc *receiver) setAnswer(f func(h hook, n int) int) {
	rc.mu.Lock()
	rc.answer = f
	rc.mu.Unlock()
}

// endpoint adds a webhook endpoint as the fixture's admin.
func (f *fixture) endpoint(t *testing.T, url, secret string, events ...string) referralhub.WebhookEndpoint {
	t.Helper()
	e, err := f.svc.CreateWebhookEndpoint(context.Background(), f.admin(t), core.WebhookInput{URL: url, Secret: secret, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// page returns an endpoint's delivery log.
func (f *fixture) page(t *testing.T, id int64) core.WebhookEndpointPage {
	t.Helper()
	p, err := f.svc.WebhookEndpointPage(context.Background(), f.admin(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// queuedWebhookJobs counts webhook jobs still queued.
func (f *fixture) queuedWebhookJobs(t *testing.T) int {
	t.Helper()
	jobs, err := f.db.Read().Jobs(context.Background(), referralhub.JobQueued, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range jobs {
		if j.Kind == core.JobWebhook {
			n++
		}
	}
	return n
}
