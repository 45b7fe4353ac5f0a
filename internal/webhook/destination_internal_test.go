package webhook

import (
	"net/netip"
	"testing"
)

func TestForbiddenAddresses(t *testing.T) {
	cases := map[string]string{
		"127.0.0.1":        "a loopback address",
		"127.255.0.9":      "a loopback address",
		"::1":              "a loopback address",
		"::ffff:127.0.0.1": "a loopback address",
		"10.1.2.3":         "a private address",
		"172.16.0.1":       "a private address",
		"172.31.255.254":   "a private address",
		"192.168.1.1":      "a private address",
		"fd12:3456::1":     "a private address",
		"::ffff:10.0.0.1":  "a private address",
		"169.254.169.254":  "a link-local address",
		"fe80::1":          "a link-local address",
		"100.64.0.1":       "a shared (carrier-grade NAT) address",
		"100.127.255.254":  "a shared (carrier-grade NAT) address",
		"224.0.0.1":        "a multicast or broadcast address",
		"ff02::1":          "a multicast or broadcast address",
		"255.255.255.255":  "a multicast or broadcast address",
		"0.0.0.0":          "an unspecified address",
		"0.1.2.3":          "an unspecified address",
		"::":               "an unspecified address",
		// Public.
		"8.8.8.8":              "",
		"93.184.216.34":        "",
		"100.128.0.1":          "",
		"172.32.0.1":           "",
		"2001:4860:4860::8888": "",
	}
	for addr, want := range cases {
		if got := forbidden(netip.MustParseAddr(addr)); got != want {
			t.Errorf("forbidden(%s) = %q, want %q", addr, got, want)
		}
	}
}
