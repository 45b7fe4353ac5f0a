package mail_test

import (
	"context"
	"encoding/base64"
	"net"
	"net/textproto"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/mail"
)

// startAuthServer runs a minimal SMTP server on 127.0.0.1 that offers AUTH
// PLAIN (the mock cannot) and accepts only user "u" with password "p@ss".
// It returns the host:port and a channel that receives each AUTH line.
func startAuthServer(t *testing.T) (string, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	auths := make(chan string, 10)
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go serveAuth(textproto.NewConn(nc), auths)
		}
	}()
	return ln.Addr().String(), auths
}

// serveAuth answers one SMTP session.
func serveAuth(c *textproto.Conn, auths chan<- string) {
	defer c.Close()
	_ = c.PrintfLine("220 test")
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			_ = c.PrintfLine("250-test\r\n250 AUTH PLAIN LOGIN")
		case "AUTH":
			auths <- arg
			reply := "535 bad credentials"
			if arg == "PLAIN "+base64.StdEncoding.EncodeToString([]byte("\x00u\x00p@ss")) {
				reply = "235 ok"
			}
			_ = c.PrintfLine("%s", reply)
		case "DATA":
			_ = c.PrintfLine("354 go on")
			_, _ = c.ReadDotBytes()
			_ = c.PrintfLine("250 queued")
		case "QUIT":
			_ = c.PrintfLine("221 bye")
			return
		default:
			_ = c.PrintfLine("250 ok")
		}
	}
}

func TestSMTPAuthPlain(t *testing.T) {
	addr, auths := startAuthServer(t)
	s, err := mail.NewSMTP("smtp://u:p%40ss@"+addr, testFrom)
	if err != nil {
		t.Fatal(err)
	}
	m := mail.Message{To: "a@example.com", Subject: "s", Text: "t", HTML: "h"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got := <-auths; !strings.HasPrefix(got, "PLAIN ") {
		t.Errorf("AUTH %q, want PLAIN", got)
	}

	s, err = mail.NewSMTP("smtp://u:wrong-secret@"+addr, testFrom)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), m)
	if err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("err = %v, want the server's 535", err)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("error %q contains the password", err)
	}
}
