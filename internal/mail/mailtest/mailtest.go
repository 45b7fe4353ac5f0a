// Package mailtest runs a real SMTP server in-process, so tests can send
// mail through mail.NewSMTP and assert on what arrived.
package mailtest

import (
	"fmt"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"
)

// Server is a real SMTP server running in-process (go-smtp-mock) on
// 127.0.0.1 and a free port. It offers neither STARTTLS nor AUTH, so send to
// it with a plain smtp:// URL without user info.
type Server struct {
	mock *smtpmock.Server
}

// Start starts a Server that stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	mock := smtpmock.New(smtpmock.ConfigurationAttr{
		HostAddress: "127.0.0.1",
		// go-mail sends RSET after each message; without this option the mock
		// forgets the message on RSET.
		MultipleMessageReceiving: true,
		MultipleRcptto:           true,
		SessionTimeout:           5,
	})
	if err := mock.Start(); err != nil {
		t.Fatalf("mailtest: starting SMTP server: %v", err)
	}
	t.Cleanup(func() { _ = mock.Stop() })
	return &Server{mock: mock}
}

// URL is the server's address for mail.NewSMTP, "smtp://127.0.0.1:PORT".
func (s *Server) URL() string {
	return fmt.Sprintf("smtp://127.0.0.1:%d", s.mock.PortNumber())
}

// Messages returns every message delivered so far, in the order their
// sessions completed. A message counts as delivered once its DATA was
// accepted and the client sent QUIT, sent the next MAIL, or hung up; go-mail
// sends QUIT before Send returns, so a sent message is always listed.
func (s *Server) Messages() []Received {
	var out []Received
	for _, m := range s.mock.Messages() {
		if !m.IsConsistent() {
			continue // a session that did not complete a message, e.g. a failed STARTTLS
		}
		out = append(out, parse(m.MsgRequest()))
	}
	return out
}

// WaitFor waits until at least n messages arrived and returns them all. It
// fails the test when timeout passes first, and marks it failed when a
// message does not parse.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n {
			for i, m := range msgs {
				if m.Err != nil {
					t.Errorf("mailtest: message %d does not parse: %v", i, m.Err)
				}
			}
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailtest: waited %v for %d messages, got %d", timeout, n, len(msgs))
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
}
