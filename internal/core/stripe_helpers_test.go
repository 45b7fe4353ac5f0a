package core_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/stripepay"
	"github.com/referralhub/referralhub/internal/stripepay/stripetest"
)

// stripeCall is one request ReferralHub made to Stripe.
type stripeCall struct {
	Method, Path, Key string
	Form              url.Values
}

// stripeAPI stands in front of stripe-mock: it records every call and
// answers GETs of the objects a test gives (stateless stripe-mock knows
// none of ours) as Stripe would; everything else goes to stripe-mock.
type stripeAPI struct {
	URL     string
	mu      sync.Mutex
	calls   []stripeCall
	objects map[string]stripetest.Object // by path, "/v1/customers/cus_1"
}

func newStripeAPI(t *testing.T, mock string) *stripeAPI {
	t.Helper()
	target, err := url.Parse(mock)
	if err != nil {
		t.Fatal(err)
	}
	api := &stripeAPI{objects: map[string]stripetest.Object{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		form, _ := url.ParseQuery(string(body))
		api.mu.Lock()
		api.calls = append(api.calls, stripeCall{r.Method, r.URL.Path, r.Header.Get("Idempotency-Key"), form})
		obj, ok := api.objects[r.URL.Path]
		api.mu.Unlock()
		if ok && r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(obj)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	api.URL = srv.URL
	return api
}

// customer makes Stripe know a customer with an email and metadata.
func (a *stripeAPI) customer(id, email string, metadata map[string]string) {
	a.serve("/v1/customers/"+id, stripetest.Object{"id": id, "object": "customer", "email": email, "metadata": metadata})
}

// serve makes Stripe answer a GET of path with obj.
func (a *stripeAPI) serve(path string, obj stripetest.Object) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.objects[path] = obj
}

// callsTo returns the calls made to a path.
func (a *stripeAPI) callsTo(method, path string) []stripeCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []stripeCall
	for _, c := range a.calls {
		if c.Method == method && c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// sendStripe delivers an event as the webhook does: verified with its
// signature, stored, and applied by the jobs. It returns the stored event.
func (f *fixture) sendStripe(t *testing.T, id, typ string, obj stripetest.Object) referralhub.StripeEvent {
	t.Helper()
	return f.sendStripePayload(t, id, stripetest.Event(id, typ, f.clock.Now(), obj))
}

func (f *fixture) sendStripePayload(t *testing.T, id string, payload []byte) referralhub.StripeEvent {
	t.Helper()
	ctx := context.Background()
	h, err := stripepay.VerifyEvent(payload, stripetest.Sign(payload, stripetest.Secret, time.Time{}), stripetest.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ReceiveStripeEvent(ctx, h, payload); err != nil {
		t.Fatal(err)
	}
	f.runJobs(t)
	f.clock.Advance(time.Second) // Stripe's events are a second apart at least
	return f.stripeEvent(t, id)
}

func (f *fixture) stripeEvent(t *testing.T, id string) referralhub.StripeEvent {
	t.Helper()
	e, err := f.db.Read().StripeEvent(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// wantOutcome checks a Stripe event's outcome and that its detail says
// something containing each of words.
func wantOutcome(t *testing.T, e referralhub.StripeEvent, outcome string, words ...string) {
	t.Helper()
	if e.Outcome != outcome {
		t.Fatalf("%s: outcome %s (%s), want %s", e.ID, e.Outcome, e.Detail, outcome)
	}
	for _, w := range words {
		if !strings.Contains(e.Detail, w) {
			t.Errorf("%s: detail %q does not say %q", e.ID, e.Detail, w)
		}
	}
}

// eventsOf lists a participant's events, newest first.
func (f *fixture) eventsOf(t *testing.T, participantID int64) []referralhub.Event {
	t.Helper()
	evs, err := f.db.Read().ParticipantEvents(context.Background(), participantID, 100)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// named returns the events of a name.
func named(evs []referralhub.Event, name string) []referralhub.Event {
	var out []referralhub.Event
	for _, e := range evs {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// setProgram changes the program with change.
func (f *fixture) setProgram(t *testing.T, change func(*referralhub.Program)) {
	t.Helper()
	ctx := context.Background()
	prog, err := f.svc.Program(ctx)
	if err != nil {
		t.Fatal(err)
	}
	change(&prog)
	if _, err := f.svc.SaveProgram(ctx, f.admin(t), prog, "test"); err != nil {
		t.Fatal(err)
	}
}

// apiParticipant makes a participant through the API's upsert.
func (f *fixture) apiParticipant(t *testing.T, in core.ParticipantInput) int64 {
	t.Helper()
	p, _, err := f.svc.UpsertParticipant(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}
