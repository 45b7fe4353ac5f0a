package mail_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/mail"
	"github.com/referralhub/referralhub/internal/mail/mailtest"
)

const testFrom = "ReferralHub <noreply@referralhub.test>"

// newSender returns an SMTP sender pointed at srv.
func newSender(t *testing.T, srv *mailtest.Server) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(srv.URL(), testFrom)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSMTPSendArrivesIntact(t *testing.T) {
	srv := mailtest.Start(t)
	text := "Hi Zoë,\n\n.a line starting with a dot\nSee https://acme.test/r?x=1&y=2\n"
	html := "<p>Hi &lt;b&gt;x&lt;/b&gt; and Zoë</p>"
	m := mail.Message{
		To:        "zoe@example.com",
		Subject:   "Grüße, Zoë: you have a new referral",
		Text:      text,
		HTML:      html,
		MessageID: "<job-42@referralhub>",
		Headers: map[string]string{
			"List-Unsubscribe":      "<https://acme.test/unsubscribe?t=abc>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
	}
	if err := newSender(t, srv).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if got.Err != nil {
		t.Fatalf("parse: %v\n%s", got.Err, got.Raw)
	}
	checks := map[string][2]string{
		"To":                    {got.To, m.To},
		"From":                  {got.From, "noreply@referralhub.test"},
		"Subject":               {got.Subject, m.Subject},
		"MessageID":             {got.MessageID, m.MessageID},
		"Text":                  {got.Text, text},
		"HTML":                  {got.HTML, html},
		"List-Unsubscribe":      {got.Headers["List-Unsubscribe"], m.Headers["List-Unsubscribe"]},
		"List-Unsubscribe-Post": {got.Headers["List-Unsubscribe-Post"], m.Headers["List-Unsubscribe-Post"]},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
}

func TestSMTPSendRenderedTemplateEscapesHTML(t *testing.T) {
	srv := mailtest.Start(t)
	tmpl, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	data := mail.Data{SiteName: "Acme", Username: "<b>x</b>", Link: "https://acme.test/r", UnsubscribeURL: "https://acme.test/u"}
	subject, text, html, err := tmpl.Render(mail.KindNewReferral, data)
	if err != nil {
		t.Fatal(err)
	}
	m := mail.Message{To: "x@example.com", Subject: subject, Text: text, HTML: html, MessageID: "<n-1@referralhub>"}
	if err := newSender(t, srv).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if !strings.Contains(got.HTML, "Hi &lt;b&gt;x&lt;/b&gt;,") || strings.Contains(got.HTML, "<b>x</b>") {
		t.Errorf("username not escaped in HTML part:\n%s", got.HTML)
	}
	if !strings.Contains(got.Text, "Hi <b>x</b>,") {
		t.Errorf("text part should carry the username verbatim:\n%s", got.Text)
	}
}

func TestSMTPSendSeveral(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv)
	for i := range 3 {
		m := mail.Message{
			To: fmt.Sprintf("user%d@example.com", i), Subject: fmt.Sprintf("n%d", i),
			Text: "t", HTML: "<p>h</p>", MessageID: fmt.Sprintf("<job-%d@referralhub>", i),
		}
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	got := srv.WaitFor(t, 3, 5*time.Second)
	if len(got) != 3 {
		t.Fatalf("got %d messages, want 3", len(got))
	}
	for i, r := range got {
		if want := fmt.Sprintf("<job-%d@referralhub>", i); r.MessageID != want {
			t.Errorf("message %d id = %q, want %q", i, r.MessageID, want)
		}
	}
}

func TestSMTPStartTLSRequiredRefusesPlainServer(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.NewSMTP(srv.URL()+"?starttls=required", testFrom)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "s", Text: "t", HTML: "h"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v, want a STARTTLS error", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server got %d messages, want 0", n)
	}
}

func TestSMTPSImplicitTLSAgainstPlainServerFails(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.NewSMTP(strings.Replace(srv.URL(), "smtp://", "smtps://", 1), testFrom)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Send(ctx, mail.Message{To: "a@example.com", Subject: "s", Text: "t", HTML: "h"}); err == nil {
		t.Fatal("smtps to a plain-text server succeeded")
	}
}

func TestSMTPClosedPortFailsFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, err := mail.NewSMTP("smtp://"+addr, testFrom)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "s", Text: "t", HTML: "h"})
	if err == nil {
		t.Fatal("send to a closed port succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("send took %v", d)
	}
}

// TestSMTPHonoursContext sends to a server that accepts the connection but
// never greets: Send must return when ctx ends, not after the 30 s timeout.
func TestSMTPHonoursContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		<-done // hold the connection open, silently, until the test ends
		c.Close()
	}()
	s, err := mail.NewSMTP("smtp://"+ln.Addr().String(), testFrom)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Send(ctx, mail.Message{To: "a@example.com", Subject: "s", Text: "t", HTML: "h"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("send took %v after a 200ms deadline", d)
	}
}

func TestSMTPRejectsBadMessages(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv)
	ok := mail.Message{To: "a@example.com", Subject: "s", Text: "t", HTML: "h"}
	bad := map[string]func(m *mail.Message){
		"no recipient":     func(m *mail.Message) { m.To = "" },
		"bad recipient":    func(m *mail.Message) { m.To = "not an address" },
		"no text":          func(m *mail.Message) { m.Text = "" },
		"no html":          func(m *mail.Message) { m.HTML = "" },
		"header injection": func(m *mail.Message) { m.Headers = map[string]string{"X-A": "b\r\nBcc: c@example.com"} },
		"reserved header":  func(m *mail.Message) { m.Headers = map[string]string{"bcc": "c@example.com"} },
		"bad header name":  func(m *mail.Message) { m.Headers = map[string]string{"X A": "b"} },
		"message id break": func(m *mail.Message) { m.MessageID = "<a@b>\r\nBcc: c@example.com" },
	}
	for name, change := range bad {
		m := ok
		change(&m)
		if err := s.Send(context.Background(), m); err == nil {
			t.Errorf("%s: Send succeeded", name)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server got %d messages, want 0", n)
	}
}
