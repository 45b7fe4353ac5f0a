package mail

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Default ports for the two SMTP URL schemes.
const (
	defaultSubmissionPort = 587 // smtp://, upgraded with STARTTLS
	defaultImplicitTLS    = 465 // smtps://
)

// serverConfig is a parsed SMTP URL. It holds the password, so it is never
// formatted into errors or logs.
type serverConfig struct {
	host            string
	port            int
	implicitTLS     bool // smtps://
	requireSTARTTLS bool // smtp://...?starttls=required
	user, pass      string
}

// ValidateURL checks an SMTP URL (smtp:// or smtps://, a host, an optional
// numeric port) without connecting, so configuration can be rejected at
// startup. Its errors never contain the password.
func ValidateURL(rawURL string) error {
	_, err := parseURL(rawURL)
	return err
}

// parseURL turns rawURL into a serverConfig. Errors describe the problem
// without echoing the user info.
func parseURL(rawURL string) (serverConfig, error) {
	if strings.TrimSpace(rawURL) == "" {
		return serverConfig{}, errors.New("mail: SMTP URL is empty")
	}
	if !strings.Contains(rawURL, "://") {
		return serverConfig{}, errors.New("mail: SMTP URL must start with smtp:// or smtps://")
	}
	if misplacedAt(rawURL) {
		return serverConfig{}, errors.New("mail: SMTP URL is invalid: " + userinfoHint)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return serverConfig{}, errors.New("mail: SMTP URL is invalid: " + parseReason(rawURL))
	}
	cfg := serverConfig{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		cfg.port = defaultSubmissionPort
	case "smtps":
		cfg.port, cfg.implicitTLS = defaultImplicitTLS, true
	default:
		return serverConfig{}, fmt.Errorf("mail: SMTP URL scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if cfg.host == "" {
		return serverConfig{}, errors.New("mail: SMTP URL has no host")
	}
	if err := cfg.setPort(u.Port()); err != nil {
		return serverConfig{}, err
	}
	if (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return serverConfig{}, errors.New("mail: SMTP URL must not have a path or #fragment")
	}
	if err := cfg.setUser(u.User); err != nil {
		return serverConfig{}, err
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return serverConfig{}, errors.New("mail: SMTP URL query is malformed")
	}
	return cfg, cfg.setQuery(q)
}

// setPort applies an explicit port, if any.
func (c *serverConfig) setPort(port string) error {
	if port == "" {
		return nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return errors.New("mail: SMTP URL port is not a number from 1 to 65535")
	}
	c.port = n
	return nil
}

// setUser applies the optional user:pass; both or neither must be given.
func (c *serverConfig) setUser(info *url.Userinfo) error {
	if info == nil {
		return nil
	}
	c.user = info.Username()
	c.pass, _ = info.Password()
	switch {
	case c.user == "" && c.pass == "":
		return nil
	case c.user == "":
		return errors.New("mail: SMTP URL has a password but no user name")
	case c.pass == "":
		return errors.New("mail: SMTP URL has a user name but no password (use user:pass@host)")
	}
	return nil
}

// setQuery applies the query options; unknown ones are rejected so typos do
// not silently weaken security.
func (c *serverConfig) setQuery(q url.Values) error {
	for key, values := range q {
		if key != "starttls" {
			return fmt.Errorf("mail: SMTP URL option %q is unknown (only starttls is supported)", key)
		}
		if c.implicitTLS {
			return errors.New("mail: SMTP URL option starttls only applies to smtp://, not smtps://")
		}
		switch v := values[len(values)-1]; v {
		case "required":
			c.requireSTARTTLS = true
		case "opportunistic", "":
			c.requireSTARTTLS = false
		default:
			return fmt.Errorf("mail: SMTP URL option starttls=%q must be required or opportunistic", v)
		}
	}
	return nil
}

// redact replaces everything between the scheme and the last "@" with
// "***", so the rest can be parsed without the password.
func redact(rawURL string) string {
	scheme, rest, _ := strings.Cut(rawURL, "://")
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = "***@" + rest[i+1:]
	}
	return scheme + "://" + rest
}

// misplacedAt reports whether an "@" follows a "/", "?" or "#" after the
// scheme: then a password holds one of those characters unencoded, and the
// parts url.Parse finds (host, port, path) are pieces of the password.
func misplacedAt(rawURL string) bool {
	_, rest, _ := strings.Cut(rawURL, "://")
	i := strings.IndexAny(rest, "/?#")
	return i >= 0 && strings.Contains(rest[i:], "@")
}

// parseReason explains why rawURL does not parse, in words of its own: the
// url package quotes pieces of the input, and with "user:pass" but no host
// the password is what it would quote as a port.
func parseReason(rawURL string) string {
	_, err := url.Parse(redact(rawURL))
	if err == nil {
		return userinfoHint
	}
	var (
		escErr  url.EscapeError
		hostErr url.InvalidHostError
	)
	switch msg := err.Error(); {
	case errors.As(err, &escErr):
		return "it has an invalid %-escape"
	case errors.As(err, &hostErr):
		return "the host name contains an invalid character"
	case strings.Contains(msg, "invalid port"):
		return "the port is not a number (or the @host part is missing)"
	case strings.Contains(msg, "control character"):
		return "it contains a control character"
	}
	return "expected smtp://[user:pass@]host[:port] or smtps://..."
}

// userinfoHint is the advice for a malformed user name or password.
const userinfoHint = "the user name or password is malformed (percent-encode special characters such as @ : / ? # % in it)"
