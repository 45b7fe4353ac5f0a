package mailtest

import (
	"net"
	"net/textproto"
	"reflect"
	"strings"
	"testing"
	"time"
)

// rawMessage is a mixed/alternative message with base64 and
// quoted-printable parts, as other mailers write them.
const rawMessage = "From: =?UTF-8?q?Zo=C3=AB?= <zoe@example.com>\r\n" +
	"To: bob@example.com\r\n" +
	"Subject: =?UTF-8?b?R3LDvMOfZQ==?=\r\n" +
	"Message-ID: <m-1@example.com>\r\n" +
	"List-Unsubscribe: <https://example.com/u>\r\n" +
	"Content-Type: multipart/mixed; boundary=OUT\r\n" +
	"\r\n" +
	"--OUT\r\n" +
	"Content-Type: multipart/alternative; boundary=IN\r\n" +
	"\r\n" +
	"--IN\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"SGkgWm/DqwpsaW5l\r\n" +
	"IDI=\r\n" +
	"--IN\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"<p>Zo=C3=AB &lt;b&gt;</p>=\r\n" +
	"\r\n" +
	"--IN--\r\n" +
	"--OUT--\r\n"

func TestParse(t *testing.T) {
	r := parse(rawMessage)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	want := Received{
		To: "bob@example.com", From: "zoe@example.com", Subject: "Grüße",
		MessageID: "<m-1@example.com>", Text: "Hi Zoë\nline 2", HTML: "<p>Zoë &lt;b&gt;</p>",
	}
	got := r
	got.Headers, got.Raw = nil, ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parse =\n%+v\nwant\n%+v", got, want)
	}
	if h := r.Headers["List-Unsubscribe"]; h != "<https://example.com/u>" {
		t.Errorf("List-Unsubscribe = %q", h)
	}
}

// TestMessagesAllSessions checks that every message whose DATA completed is
// reported: two in one session (RSET between, then a hang-up without QUIT)
// and none for a session that never sent one.
func TestMessagesAllSessions(t *testing.T) {
	srv := Start(t)
	addr := strings.TrimPrefix(srv.URL(), "smtp://")

	idle := dial(t, addr)
	cmd(t, idle, 250, "EHLO localhost")
	cmd(t, idle, 221, "QUIT")

	c := dial(t, addr)
	cmd(t, c, 250, "EHLO localhost")
	for _, id := range []string{"<a@example.com>", "<b@example.com>"} {
		cmd(t, c, 250, "MAIL FROM:<zoe@example.com>")
		cmd(t, c, 250, "RCPT TO:<bob@example.com>")
		cmd(t, c, 354, "DATA")
		cmd(t, c, 250, "Message-ID: "+id+"\r\n\r\nhello\r\n.")
		cmd(t, c, 250, "RSET")
	}
	c.Close()

	got := srv.WaitFor(t, 2, 5*time.Second)
	if len(got) != 2 || got[0].MessageID != "<a@example.com>" || got[1].MessageID != "<b@example.com>" {
		t.Fatalf("got %+v", got)
	}
	if got[0].Text != "hello\n" {
		t.Errorf("text = %q", got[0].Text)
	}
}

// dial connects to the server and reads its greeting.
func dial(t *testing.T, addr string) *textproto.Conn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	c := textproto.NewConn(nc)
	t.Cleanup(func() { c.Close() })
	if _, _, err := c.ReadResponse(220); err != nil {
		t.Fatal(err)
	}
	return c
}

// cmd sends line and expects code.
func cmd(t *testing.T, c *textproto.Conn, code int, line string) {
	t.Helper()
	if err := c.PrintfLine("%s", line); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := c.ReadResponse(code); err != nil {
		t.Fatalf("%q: %v (%s)", line, err, msg)
	}
}
