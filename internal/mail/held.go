package mail

import (
	"context"
	"errors"
)

// Held is a Sender for production without a mail server. It sends
// nothing and fails every message with its reason, so a mail job is never
// marked done: it stays queued, retried with backoff (and then failed, for
// an admin to retry), with the reason as its error at /admin/jobs and in
// the log, until a mail server is configured and the next try sends it.
// Writing the mail to the log instead would lose it, and put its
// single-use links where others read.
type Held struct{ reason string }

// NewHeld returns a Held sender that gives reason for every message.
func NewHeld(reason string) *Held { return &Held{reason: reason} }

// Send fails: the message waits for a mail server. An incomplete message
// is refused as SMTP would.
func (h *Held) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.validate(); err != nil {
		return err
	}
	return errors.New(h.reason)
}

// HeldBecause says why mail is not sent.
func (h *Held) HeldBecause() string { return h.reason }
