package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/webhook"
)

// request is an attempt of a participant.created event to url, signed at
// a fixed time: the caller's clock, not the wall clock, dates a signature.
func request(url string) webhook.Request {
	return webhook.Request{URL: url, Secret: "whsec_0123456789abcdef", EventID: "evt_1", EventType: webhook.ParticipantCreated,
		Body: []byte(`{"id":"evt_1"}`), At: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
}

// TestSendPostsTheSignedEvent: the receiver gets the body, the headers of
// docs/webhooks.md and a signature of the request's time, and its answer
// comes back.
func TestSendPostsTheSignedEvent(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r.Clone(context.Background()), must(io.ReadAll(r.Body))
		io.WriteString(w, "received")
	}))
	defer srv.Close()
	req := request(srv.URL + "/hooks")
	res := webhook.NewSender(webhook.SenderConfig{AllowPrivate: true}).Send(context.Background(), req)
	if res.Status != http.StatusOK || res.Problem != "" || res.Response != "received" || res.Took <= 0 {
		t.Fatalf("result = %+v", res)
	}
	if got.Method != http.MethodPost || got.URL.Path != "/hooks" || string(body) != string(req.Body) {
		t.Errorf("request = %s %s %s", got.Method, got.URL, body)
	}
	for name, want := range map[string]string{"Content-Type": "application/json", "User-Agent": "ReferralHub-Webhooks/1",
		"ReferralHub-Event-Id": "evt_1", "ReferralHub-Event-Type": "participant.created"} {
		if got.Header.Get(name) != want {
			t.Errorf("%s = %q, want %q", name, got.Header.Get(name), want)
		}
	}
	if err := webhook.VerifySignature(body, got.Header.Get("ReferralHub-Signature"), req.Secret, 0, req.At); err != nil {
		t.Errorf("signature: %v", err)
	}
}

// TestSendFailsUnless2xx: an error status and a redirect fail the attempt,
// the redirect is not followed, and a long answer is cut.
func TestSendFailsUnless2xx(t *testing.T) {
	var followed atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed.Add(1) }))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, elsewhere.URL, http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, strings.Repeat("a", 5000))
	}))
	defer srv.Close()
	s := webhook.NewSender(webhook.SenderConfig{AllowPrivate: true})
	res := s.Send(context.Background(), request(srv.URL+"/broken"))
	if res.Status != 500 || res.Problem != "the endpoint answered 500" || res.Response != strings.Repeat("a", 1024) {
		t.Errorf("500: status %d, problem %q, %d bytes of answer", res.Status, res.Problem, len(res.Response))
	}
	res = s.Send(context.Background(), request(srv.URL+"/moved"))
	if res.Status != http.StatusFound || res.Problem != "the endpoint answered 302" || followed.Load() != 0 {
		t.Errorf("redirect: %+v, followed %d times", res, followed.Load())
	}
}

// TestSendProblemsNeverQuoteTheURL: a refused connection, a URL that
// cannot be requested and a receiver that never answers are described
// without the URL, whose query may hold a token.
func TestSendProblemsNeverQuoteTheURL(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	stuck := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so the server notices the client leave
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer stuck.Close()
	s := webhook.NewSender(webhook.SenderConfig{AllowPrivate: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	cases := []struct {
		name, url, want string
		ctx             context.Context
	}{
		{"refused", closed.URL + "/?token=sekrit", "connection refused", context.Background()},
		{"bad url", "http://[::1/?token=sekrit", "the URL cannot be requested", context.Background()},
		{"no answer", stuck.URL + "/?token=sekrit", "no answer within 10s", ctx},
	}
	for _, tc := range cases {
		res := s.Send(tc.ctx, request(tc.url))
		if res.Status != 0 || !strings.Contains(res.Problem, tc.want) || strings.Contains(res.Problem, "sekrit") {
			t.Errorf("%s: %+v, want a problem saying %q", tc.name, res, tc.want)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
