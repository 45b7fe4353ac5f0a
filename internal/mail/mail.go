// Package mail sends ReferralHub's email: over SMTP in production, or to the
// log during development. It also renders the embedded mail templates.
//
// The sub-package mailtest runs a real SMTP server in-process for tests.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
)

// Message is one email ready to send.
type Message struct {
	To      string // one address
	Subject string
	Text    string // text/plain part (required)
	HTML    string // text/html part (required)
	// MessageID is set as the Message-ID header exactly, e.g.
	// "<job-42@referralhub>". Keep it stable across retries so that
	// duplicates can be recognised. When empty, one is generated.
	MessageID string
	// Headers are extra headers, e.g. "List-Unsubscribe" and
	// "List-Unsubscribe-Post". They cannot replace the headers built from the
	// fields above.
	Headers map[string]string
}

// Sender sends messages. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// reserved reports whether a header is set from Message fields or by the
// MIME writer, so Message.Headers may not carry it.
func reserved(name string) bool {
	switch textproto.CanonicalMIMEHeaderKey(name) {
	case "From", "To", "Cc", "Bcc", "Subject", "Message-Id", "Date", "Mime-Version",
		"Content-Type", "Content-Transfer-Encoding":
		return true
	}
	return false
}

// validate checks m before any connection is made.
func (m Message) validate() error {
	switch {
	case strings.TrimSpace(m.To) == "":
		return errors.New("mail: message has no recipient")
	case m.Text == "" || m.HTML == "":
		return errors.New("mail: message needs both a text and an HTML part")
	case strings.ContainsAny(m.MessageID, "\r\n"):
		return errors.New("mail: message id contains a line break")
	}
	for name, value := range m.Headers {
		if err := validHeader(name, value); err != nil {
			return err
		}
	}
	return nil
}

// validHeader rejects header names that are not tokens, values that could
// inject further headers, and headers the package sets itself.
func validHeader(name, value string) error {
	if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == ':' }) {
		return fmt.Errorf("mail: invalid header name %q", name)
	}
	if reserved(name) {
		return fmt.Errorf("mail: header %q cannot be set through Message.Headers", name)
	}
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("mail: header %q contains a line break", name)
	}
	return nil
}
