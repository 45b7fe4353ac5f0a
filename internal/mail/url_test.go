package mail_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/mail"
)

func TestValidateURLAccepts(t *testing.T) {
	for _, u := range []string{
		"smtp://mail.example.com",
		"smtp://mail.example.com:25",
		"smtp://user:s3cret@mail.example.com:587",
		"smtp://user%40example.com:p%40ss%2Fw%3Ford@mail.example.com",
		"smtp://mail.example.com/?starttls=required",
		"smtp://mail.example.com?starttls=opportunistic",
		"smtps://user:pass@mail.example.com",
		"smtps://[::1]:465",
	} {
		if err := mail.ValidateURL(u); err != nil {
			t.Errorf("ValidateURL(%q) = %v", u, err)
		}
	}
}

func TestValidateURLRejectsWithoutLeakingPassword(t *testing.T) {
	const secret = "hunter2"
	cases := map[string]string{ // URL -> part of the expected message
		"":                                           "empty",
		"http://u:hunter2@mail.example.com":          "scheme",
		"mail.example.com:25":                        "smtp://",
		"smtp://u:hunter2":                           "port",
		"smtp://u:hunter2%zz":                        "port",
		"smtp://u:hunter2@mail.example.com%zz":       "escape",
		"smtp://u:hunter2@":                          "no host",
		"smtp://u:hunter2@mail.example.com:abc":      "port",
		"smtp://u:hunter2@mail.example.com:0":        "port",
		"smtp://u:hunter2@mail.example.com:99999":    "port",
		"smtp://u:hunter2@mail.example.com/x":        "path",
		"smtp://u:hunter2@mail.example.com?tls=1":    "unknown",
		"smtp://mail.example.com?starttls=maybe":     "starttls",
		"smtps://mail.example.com?starttls=required": "only applies",
		"smtp://:hunter2@mail.example.com":           "no user",
		"smtp://u@mail.example.com":                  "no password",
		"smtp://u:hunter2%zz@mail.example.com":       "malformed",
		"smtp://u:hun/ter2@mail.example.com":         "malformed",
		"smtp://u:hun#ter2@mail.example.com":         "malformed",
		"smtp://u:hunter2@mail example.com":          "host name",
		"smtp://u:hunter2\n@mail.example.com":        "malformed",
		"smtp://u:hunter2\n":                         "control character",
	}
	for raw, want := range cases {
		for name, err := range map[string]error{
			"ValidateURL": mail.ValidateURL(raw),
			"NewSMTP":     newSMTPErr(raw),
		} {
			if err == nil {
				t.Errorf("%s(%q) succeeded", name, raw)
				continue
			}
			msg := err.Error()
			if !strings.Contains(msg, want) {
				t.Errorf("%s(%q) = %q, want it to mention %q", name, raw, msg, want)
			}
			if strings.Contains(msg, secret) || strings.Contains(msg, "hun") {
				t.Errorf("%s(%q) = %q leaks the password", name, raw, msg)
			}
		}
	}
}

// newSMTPErr returns NewSMTP's error for raw.
func newSMTPErr(raw string) error {
	_, err := mail.NewSMTP(raw, testFrom)
	return err
}

func TestNewSMTPRejectsBadFrom(t *testing.T) {
	for _, from := range []string{"", "not an address", "a@b@c"} {
		if _, err := mail.NewSMTP("smtp://mail.example.com", from); err == nil {
			t.Errorf("NewSMTP with from %q succeeded", from)
		}
	}
}

func TestSMTPPrintsWithoutPassword(t *testing.T) {
	s, err := mail.NewSMTP("smtps://user:hunter2@mail.example.com", testFrom)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", *s), fmt.Sprintf("%#v", s)} {
		if strings.Contains(out, "hunter2") {
			t.Errorf("printed sender %q contains the password", out)
		}
	}
}
