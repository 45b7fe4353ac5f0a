package config

import "net"

// BaseURLFor is the development base URL of a server listening on addr
// (host:port): http:// and the address, with a wildcard host (empty,
// 0.0.0.0 or ::) shown as localhost, since a browser cannot visit those.
func BaseURLFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// ForListener returns c for a server that listens on listening, the
// address its listener got. When the base URL was made from Addr and Addr
// asked for any free port (port 0), the base URL takes the port the
// listener got, so links point at the running server; otherwise c is
// unchanged.
func (c Config) ForListener(listening string) Config {
	host, port, err := net.SplitHostPort(c.Addr)
	_, got, err2 := net.SplitHostPort(listening)
	if !c.BaseURLFromAddr || err != nil || err2 != nil || port != "0" {
		return c
	}
	c.BaseURL = BaseURLFor(net.JoinHostPort(host, got))
	return c
}
