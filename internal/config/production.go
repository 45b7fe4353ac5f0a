package config

import (
	"fmt"
	"strings"
)

// validateProductionBaseURL refuses an http:// base URL in production:
// cookies would not be Secure and every link would go out in the clear.
// REFERRALHUB_ALLOW_HTTP_BASE_URL=true allows it, for TLS ended elsewhere
// on a private network.
func (c Config) validateProductionBaseURL() error {
	if !strings.HasPrefix(c.BaseURL, "http://") || c.AllowHTTPBaseURL {
		return nil
	}
	return fmt.Errorf("REFERRALHUB_BASE_URL: %s is http:// in production, so cookies would not be Secure and links would go out "+
		"unencrypted: use the https:// URL people visit, or set REFERRALHUB_ALLOW_HTTP_BASE_URL=true when TLS ends "+
		"elsewhere on a private network", c.BaseURL)
}

// HSTS reports whether responses carry Strict-Transport-Security: in
// production with an https:// base URL, the site is only ever reached over
// TLS. (Development, even on https, never pins a host such as localhost.)
func (c Config) HSTS() bool { return c.Production() && strings.HasPrefix(c.BaseURL, "https://") }
