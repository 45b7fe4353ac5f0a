package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// sendTimeout bounds one delivery (connect, TLS, auth and DATA) when the
// caller's context allows longer.
const sendTimeout = 30 * time.Second

// SMTP is a Sender that delivers each message over a new SMTP connection.
type SMTP struct {
	server  serverConfig
	from    string // the From header as given
	helo    string
	timeout time.Duration
}

// NewSMTP parses rawURL and returns a Sender over SMTP. from is the From
// address, optionally with a display name.
//
//	smtp://user:pass@host:port   plain connection, upgraded with STARTTLS when
//	                             the server offers it; add ?starttls=required
//	                             to refuse servers without STARTTLS
//	smtps://user:pass@host:port  implicit TLS
//
// Ports default to 587 (smtp) and 465 (smtps). Without user:pass no AUTH is
// attempted; with them the password is only sent over TLS (or to localhost).
// Errors never contain the password.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	server, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: From address %q is invalid: %w", from, err)
	}
	return &SMTP{server: server, from: from, helo: heloName(addr.Address), timeout: sendTimeout}, nil
}

// String describes the sender without its credentials, so that printing or
// logging an SMTP value cannot reveal the password.
func (s SMTP) String() string {
	scheme := "smtp"
	if s.server.implicitTLS {
		scheme = "smtps"
	}
	return fmt.Sprintf("%s://%s:%d", scheme, s.server.host, s.server.port)
}

// GoString is String, for %#v.
func (s SMTP) GoString() string { return s.String() }

// heloName picks the EHLO name: the From address's domain, which is usually
// a real, resolvable name, or "localhost" when it is not a dotted name.
func heloName(addr string) string {
	_, domain, _ := strings.Cut(addr, "@")
	if !strings.Contains(domain, ".") || strings.ContainsAny(domain, "[]") {
		return "localhost"
	}
	return domain
}

// Send delivers m, giving up when ctx ends or after 30 seconds.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.buildMsg(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	conns := newConnTracker(s.server, s.tlsConfig())
	defer conns.closeAll()
	stop := context.AfterFunc(ctx, conns.closeAll)
	defer stop()

	client, err := gomail.NewClient(s.server.host, s.clientOptions(conns)...)
	if err != nil {
		return fmt.Errorf("mail: SMTP client for %s: %w", s.server.host, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = errors.Join(ctxErr, err)
		}
		return fmt.Errorf("mail: sending %s via %s:%d: %w", m.MessageID, s.server.host, s.server.port, err)
	}
	return nil
}

// tlsConfig verifies the server's certificate against its host name.
func (s *SMTP) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.server.host, MinVersion: tls.VersionTLS12}
}

// clientOptions configures go-mail for s. Dialling goes through conns, so
// the connection can be closed when ctx ends; for smtps the dialer does the
// TLS handshake itself.
func (s *SMTP) clientOptions(conns *connTracker) []gomail.Option {
	policy := gomail.TLSOpportunistic
	switch {
	case s.server.implicitTLS:
		policy = gomail.NoTLS // TLS is already up when go-mail sees the connection
	case s.server.requireSTARTTLS:
		policy = gomail.TLSMandatory
	}
	opts := []gomail.Option{
		gomail.WithPort(s.server.port),
		gomail.WithTimeout(s.timeout),
		gomail.WithHELO(s.helo),
		gomail.WithTLSConfig(s.tlsConfig()),
		gomail.WithTLSPolicy(policy),
		gomail.WithDialContextFunc(conns.dial),
	}
	if s.server.user != "" {
		opts = append(opts,
			gomail.WithUsername(s.server.user),
			gomail.WithPassword(s.server.pass),
			// PLAIN and LOGIN refuse to run without TLS unless the server is
			// localhost; other mechanisms are negotiated if these are absent.
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
		)
	}
	return opts
}

// buildMsg turns m into a go-mail message with a text and an HTML
// alternative.
func (s *SMTP) buildMsg(m Message) (*gomail.Msg, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.from); err != nil {
		return nil, fmt.Errorf("mail: From address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	if m.MessageID != "" {
		msg.SetGenHeader(gomail.HeaderMessageID, m.MessageID)
	}
	for name, value := range m.Headers {
		msg.SetGenHeader(gomail.Header(textproto.CanonicalMIMEHeaderKey(name)), value)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg, nil
}
