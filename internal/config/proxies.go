package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// setTrustedProxies parses a comma-separated list of IP addresses and CIDRs;
// a lone address stands for itself (a /32 or a /128).
func setTrustedProxies(c *Config, v string) error {
	c.TrustedProxies = nil
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := parseProxy(item)
		if err != nil {
			return fmt.Errorf("must be IP addresses or CIDRs separated by commas, like 10.0.0.0/8,192.0.2.7 (got %q)", item)
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	return nil
}

// parseProxy reads one CIDR or address, with IPv4-mapped IPv6 addresses
// made plain IPv4 so they match what the server sees.
func parseProxy(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("not an address: %q", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
