package config

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// minMetricsToken is the shortest metrics token accepted: it guards
// /metrics on the public listener.
const minMetricsToken = 16

func setMetricsToken(c *Config, v string) error {
	if v != "" && (len(v) < minMetricsToken || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r > '~' })) {
		return fmt.Errorf("must be at least %d printable ASCII characters with no spaces (the value is not shown)", minMetricsToken)
	}
	c.MetricsToken = v
	return nil
}

func setMetricsAddr(c *Config, v string) error {
	if v != "" {
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("must be host:port, like 127.0.0.1:9090 (got %q)", v)
		}
	}
	c.MetricsAddr = v
	return nil
}

// validateMetrics checks that the metrics listener is not the main one
// (port 0, any free port, never clashes).
func (c Config) validateMetrics() error {
	if _, port, _ := net.SplitHostPort(c.MetricsAddr); port != "0" && c.MetricsAddr != "" && c.MetricsAddr == c.Addr {
		return errors.New("REFERRALHUB_METRICS_ADDR: must differ from REFERRALHUB_ADDR; to serve /metrics there, set REFERRALHUB_METRICS_TOKEN instead")
	}
	return nil
}
