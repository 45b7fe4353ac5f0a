package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of one attempt.
const (
	timeout     = 10 * time.Second // for the whole attempt, answer included
	responseMax = 1024             // bytes of an answer kept in the log
	drainMax    = 64 << 10         // bytes read past that so the connection can be reused
)

// Request is one attempt of a delivery: what is sent where, and when.
type Request struct {
	URL       string
	Secret    string // the endpoint's signing secret
	EventID   string
	EventType string
	Body      []byte    // the event as Encode made it
	At        time.Time // when the attempt is made, on the caller's clock: what the signature says
}

// Result is what one attempt came to.
type Result struct {
	Status   int    // the answer's status code, 0 when no answer came
	Problem  string // why the attempt failed, never quoting the URL; "" for a 2xx answer
	Response string // the start of the answer, at most 1 KiB of valid UTF-8 without NUL
	Took     time.Duration
}

// Sender makes signed attempts over HTTP. It follows no redirect: a 3xx
// answer is a failed attempt. Unless its config allows private addresses,
// it connects only to public ones (see CheckDestination). It is safe for
// concurrent use.
type Sender struct {
	client       *http.Client
	resolver     *net.Resolver
	allowPrivate bool
}

// SenderConfig is how a Sender reaches endpoints.
type SenderConfig struct {
	// AllowPrivate lets deliveries go to loopback, private, link-local,
	// shared (CGNAT), multicast and unspecified addresses: for tests and
	// intranets (REFERRALHUB_WEBHOOK_ALLOW_PRIVATE).
	AllowPrivate bool
	// Resolver looks host names up when an endpoint is saved; nil is
	// net.DefaultResolver.
	Resolver *net.Resolver
}

// NewSender returns a Sender with a transport of its own, which uses no
// proxy: the address it checks is the one it connects to.
func NewSender(cfg SenderConfig) *Sender {
	transport := &http.Transport{
		DialContext:           dialer(cfg.AllowPrivate).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   timeout,
		ExpectContinueTimeout: time.Second,
	}
	resolver := cfg.Resolver
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	return &Sender{resolver: resolver, allowPrivate: cfg.AllowPrivate, client: &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Send makes one signed POST of r.Body to r.URL, within 10 seconds answer
// included; only a 2xx answer succeeds.
func (s *Sender) Send(ctx context.Context, r Request) (res Result) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		res.Problem = "the URL cannot be requested"
		return res
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set(HeaderEventID, r.EventID)
	req.Header.Set(HeaderEventType, r.EventType)
	req.Header.Set(HeaderSignature, Sign(r.Secret, r.At, r.Body))
	start := time.Now()
	defer func() { res.Took = time.Since(start) }()
	resp, err := s.client.Do(req)
	if err != nil {
		res.Problem = networkProblem(err)
		return res
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, responseMax))
	io.Copy(io.Discard, io.LimitReader(resp.Body, drainMax))
	res.Status, res.Response = resp.StatusCode, storableText(string(answer))
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		res.Problem = fmt.Sprintf("the endpoint answered %d", resp.StatusCode)
	case err != nil:
		res.Problem = "the answer broke off: " + networkProblem(err)
	}
	return res
}

// networkProblem describes a failed request without its URL, whose query
// may hold a token: "dial tcp 127.0.0.1:9: connection refused".
func networkProblem(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return storableText(err.Error())
}

// storableText makes s storable and short: valid UTF-8, no NUL, at most
// responseMax bytes.
func storableText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) <= responseMax {
		return s
	}
	s = s[:responseMax]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
