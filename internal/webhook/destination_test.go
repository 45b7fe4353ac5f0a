package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/referralhub/referralhub/internal/webhook"
)

// TestCheckDestinationRefusesPrivateHosts: an endpoint URL whose host is,
// or resolves to (localhost, through /etc/hosts), an address webhooks must
// not reach is refused with a message naming the address and what it is;
// a public one, or a host that does not resolve, passes; and a sender
// allowed private addresses takes them all.
func TestCheckDestinationRefusesPrivateHosts(t *testing.T) {
	ctx := context.Background()
	public := webhook.NewSender(webhook.SenderConfig{})
	refused := map[string]string{
		"http://127.0.0.1:9/hooks":                 "127.0.0.1 is a loopback address",
		"http://[::1]/hooks":                       "::1 is a loopback address",
		"https://10.0.0.5/hooks":                   "10.0.0.5 is a private address",
		"http://169.254.169.254/latest/meta-data/": "169.254.169.254 is a link-local address",
		"http://100.64.1.1/":                       "100.64.1.1 is a shared (carrier-grade NAT) address",
		"http://[fd00::1]/":                        "fd00::1 is a private address",
		"http://[::ffff:192.168.0.1]/":             "192.168.0.1 is a private address",
		"http://0.0.0.0:8080/":                     "0.0.0.0 is an unspecified address",
		"http://224.0.0.1/":                        "224.0.0.1 is a multicast or broadcast address",
		"http://localhost:8080/hooks":              "localhost resolves to",
	}
	for u, want := range refused {
		msg := public.CheckDestination(ctx, u)
		if !strings.Contains(msg, want) || !strings.Contains(msg, webhook.AllowPrivateEnv+"=true") {
			t.Errorf("CheckDestination(%s) = %q, want it to say %q and how to allow it", u, msg, want)
		}
	}
	for _, u := range []string{"https://93.184.216.34/hooks", "https://no-such-host.invalid/hooks"} {
		if msg := public.CheckDestination(ctx, u); msg != "" {
			t.Errorf("CheckDestination(%s) = %q, want it allowed", u, msg)
		}
	}
	private := webhook.NewSender(webhook.SenderConfig{AllowPrivate: true})
	for u := range refused {
		if msg := private.CheckDestination(ctx, u); msg != "" {
			t.Errorf("allowing private addresses, CheckDestination(%s) = %q", u, msg)
		}
	}
}

// TestSendRefusesPrivateAddressesWhenConnecting: the sender checks the
// address it dials, after any look-up, so a URL that reaches a loopback
// receiver (by address, by name, or IPv4-mapped) is refused without a
// request, whatever was checked when it was saved (DNS rebinding).
func TestSendRefusesPrivateAddressesWhenConnecting(t *testing.T) {
	var got atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { got.Add(1) }))
	defer srv.Close()
	port := must(url.Parse(srv.URL)).Port()
	s := webhook.NewSender(webhook.SenderConfig{})
	for _, u := range []string{srv.URL, "http://localhost:" + port, "http://[::ffff:127.0.0.1]:" + port} {
		res := s.Send(context.Background(), request(u+"/hooks?token=sekrit"))
		if res.Status != 0 || !strings.Contains(res.Problem, "is a loopback address") || strings.Contains(res.Problem, "sekrit") {
			t.Errorf("%s: %+v, want refused as loopback", u, res)
		}
	}
	if got.Load() != 0 {
		t.Errorf("the loopback receiver got %d requests", got.Load())
	}
	if res := webhook.NewSender(webhook.SenderConfig{AllowPrivate: true}).Send(context.Background(), request(srv.URL)); res.Problem != "" || got.Load() != 1 {
		t.Errorf("allowing private addresses: %+v, %d requests", res, got.Load())
	}
}
