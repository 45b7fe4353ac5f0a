package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestTrustedProxies: addresses and CIDRs, IPv4 and IPv6, spaces and empty
// items allowed; a lone address is its own /32 or /128; the default trusts
// nobody.
func TestTrustedProxies(t *testing.T) {
	c, err := load(t, nil)
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default: %v, err %v", c.TrustedProxies, err)
	}
	c, err = load(t, map[string]string{"REFERRALHUB_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,,fd00::/8, ::1, ::ffff:172.16.0.1, 172.18.1.9/16"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	want := []string{"10.0.0.0/8", "192.0.2.7/32", "fd00::/8", "::1/128", "172.16.0.1/32", "172.18.0.0/16"}
	if !slices.Equal(got, want) {
		t.Fatalf("proxies = %v, want %v", got, want)
	}
	c, err = load(t, nil, "-trusted-proxies", "127.0.0.1")
	if err != nil || !slices.Equal(c.TrustedProxies, []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}) {
		t.Fatalf("flag: %v, err %v", c.TrustedProxies, err)
	}
}

// TestTrustedProxiesInvalid: a bad item stops the program with a message
// naming the variable and the item.
func TestTrustedProxiesInvalid(t *testing.T) {
	for _, v := range []string{"proxy.internal", "10.0.0.0/33", "10.0.0.1:80", "fe80::1%eth0", "10.0.0.0/8;192.0.2.1"} {
		_, err := load(t, map[string]string{"REFERRALHUB_TRUSTED_PROXIES": v})
		if err == nil || !strings.Contains(err.Error(), "REFERRALHUB_TRUSTED_PROXIES") || !strings.Contains(err.Error(), "CIDRs") {
			t.Errorf("%q: err = %v, want one naming the variable", v, err)
		}
	}
}
