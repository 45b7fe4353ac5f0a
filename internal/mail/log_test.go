package mail_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/mail"
)

func TestLogSender(t *testing.T) {
	var buf bytes.Buffer
	var s mail.Sender = mail.NewLog(slog.New(slog.NewTextHandler(&buf, nil)), testFrom)
	m := mail.Message{
		To: "zoe@example.com", Subject: "Reset your password", MessageID: "<job-7@referralhub>",
		Text: "Open https://acme.test/reset?t=abc", HTML: "<p>secret-html-marker</p>",
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"level=INFO", "zoe@example.com", "Reset your password", "job-7@referralhub", "https://acme.test/reset?t=abc"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "secret-html-marker") {
		t.Errorf("log contains the HTML part:\n%s", out)
	}
}

func TestLogSenderRejects(t *testing.T) {
	var buf bytes.Buffer
	s := mail.NewLog(slog.New(slog.NewTextHandler(&buf, nil)), testFrom)
	if err := s.Send(context.Background(), mail.Message{To: "a@example.com", Text: "t"}); err == nil {
		t.Error("message without HTML accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Send(ctx, mail.Message{To: "a@example.com", Text: "t", HTML: "h"}); err == nil {
		t.Error("send with a cancelled context succeeded")
	}
	if buf.Len() != 0 {
		t.Errorf("rejected messages were logged:\n%s", buf.String())
	}
}

func TestHeldSenderFailsEveryMessageWithItsReason(t *testing.T) {
	var s mail.Sender = mail.NewHeld("no mail server")
	err := s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "Reset", Text: "t", HTML: "h"})
	if err == nil || err.Error() != "no mail server" {
		t.Fatalf("err = %v, want the reason", err)
	}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.com", Text: "t"}); err == nil || err.Error() == "no mail server" {
		t.Errorf("an incomplete message: %v, want it refused as such", err)
	}
}
