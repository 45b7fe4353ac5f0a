package core

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
)

// The headers of a webhook request (with Content-Type: application/json),
// and its User-Agent.
const (
	HeaderWebhookSignature = "ReferralHub-Signature"  // t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
	HeaderWebhookEventID   = "ReferralHub-Event-Id"   // the event's id: the same on every retry and replay
	HeaderWebhookEventType = "ReferralHub-Event-Type" // the event's type
	WebhookUserAgent       = "ReferralHub-Webhooks/1"
)

// Limits of one attempt.
const (
	webhookTimeout     = 10 * time.Second // for the whole attempt, answer included
	webhookResponseMax = 1024             // bytes of an answer kept in the log
	webhookDrainMax    = 64 << 10         // bytes read past that so the connection can be reused
)

// SignWebhook returns the ReferralHub-Signature header of body sent at t
// with secret: HMAC-SHA256 over "<unix t>.<body>", in hex.
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// attemptResult is what one HTTP attempt of a delivery came to.
type attemptResult struct {
	at       time.Time // on the service's clock: what the signature says
	status   int       // 0 when no answer came
	problem  string    // "" for a 2xx answer
	response string    // the start of the answer
	took     time.Duration
}

// runWebhookJob sends one delivery and records the attempt. A failure is
// returned, so the worker retries it with backoff, until the delivery is
// delivered or given up; a job of a send that was replayed or given up
// since does nothing.
func (s *Service) runWebhookJob(ctx context.Context, j storage.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	send, err := s.db.Read().WebhookSendOf(ctx, p.DeliveryID)
	if referralhub.ErrorCode(err) == referralhub.ENOTFOUND {
		return nil // its endpoint was deleted
	}
	if err != nil {
		return err
	}
	if send.State != storage.WebhookPending || j.DedupeKey != deliveryJobKey(send.ID, send.Sends) {
		return nil
	}
	if !send.Enabled { // disabled since the job was queued: give its deliveries up
		return s.db.InTx(ctx, func(q *storage.Queries) error {
			_, err := q.KillOpenWebhookDeliveries(ctx, send.EndpointID, "The endpoint is disabled.", s.now())
			return err
		})
	}
	res := s.post(ctx, send)
	retry, err := s.recordAttempt(ctx, send, res, j.Attempts >= j.MaxAttempts)
	if err != nil || !retry {
		return err
	}
	return fmt.Errorf("webhook delivery %d: %s", send.ID, res.problem)
}

// post makes one signed attempt of a delivery.
func (s *Service) post(ctx context.Context, send storage.WebhookSend) (res attemptResult) {
	res.at = s.now()
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, send.URL, bytes.NewReader(send.Body))
	if err != nil {
		res.problem = "the URL cannot be requested"
		return res
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", WebhookUserAgent)
	req.Header.Set(HeaderWebhookEventID, send.EventID)
	req.Header.Set(HeaderWebhookEventType, send.EventType)
	req.Header.Set(HeaderWebhookSignature, SignWebhook(send.Secret, res.at, send.Body))
	start := time.Now()
	defer func() { res.took = time.Since(start) }()
	resp, err := webhookClient().Do(req)
	if err != nil {
		res.problem = networkProblem(err)
		return res
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, webhookResponseMax))
	io.Copy(io.Discard, io.LimitReader(resp.Body, webhookDrainMax))
	res.status, res.response = resp.StatusCode, storableText(string(answer))
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		res.problem = fmt.Sprintf("the endpoint answered %d", resp.StatusCode)
	case err != nil:
		res.problem = "the answer broke off: " + networkProblem(err)
	}
	return res
}

// webhookClient sends webhooks over the shared default transport. It
// follows no redirect: a 3xx answer is a failed attempt.
func webhookClient() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// networkProblem describes a failed request without its URL, whose query
// may hold a token: "dial tcp 127.0.0.1:9: connection refused".
func networkProblem(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", webhookTimeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return storableText(err.Error())
}

// storableText makes s storable and short: valid UTF-8, no NUL, at most
// webhookResponseMax bytes.
func storableText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) <= webhookResponseMax {
		return s
	}
	s = s[:webhookResponseMax]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
