package ratelimit_test

import (
	"strings"
	"testing"

	"github.com/referralhub/referralhub/internal/ratelimit"
)

func TestKeysHideTheIP(t *testing.T) {
	k := ratelimit.NewKeys([]byte("secret"))
	key := k.IP("signup", "203.0.113.7")
	if !strings.HasPrefix(key, "signup:ip:") || len(key) != len("signup:ip:")+32 {
		t.Fatalf("key %q, want signup:ip: and 32 hex digits", key)
	}
	if strings.Contains(key, "203.0.113") || strings.Contains(key, "cb007107") { // the address, in text or hex
		t.Fatalf("key %q holds the address", key)
	}
	if key == ratelimit.NewKeys([]byte("other secret")).IP("signup", "203.0.113.7") {
		t.Fatal("the key does not depend on the secret")
	}
	if key == k.IP("click", "203.0.113.7") || key == k.IP("signup", "203.0.113.8") {
		t.Fatal("keys collide across namespaces or addresses")
	}
	if key != k.IP("signup", "::ffff:203.0.113.7") {
		t.Fatal("an IPv4-mapped address counts apart from its IPv4 form")
	}
}

func TestKeysCountIPv6ByThe64(t *testing.T) {
	k := ratelimit.NewKeys([]byte("secret"))
	a := k.IP("click", "2001:db8:1:2::1")
	if b := k.IP("click", "2001:db8:1:2:ffff:ffff:ffff:ffff"); a != b {
		t.Fatal("two addresses in one /64 have different keys")
	}
	if c := k.IP("click", "2001:db8:1:3::1"); a == c {
		t.Fatal("two /64s share a key")
	}
}

func TestKeysName(t *testing.T) {
	k := ratelimit.NewKeys([]byte("secret"))
	key := k.Name("login", "account", "alice@example.com")
	if !strings.HasPrefix(key, "login:account:") || strings.Contains(key, "alice") {
		t.Fatalf("key %q", key)
	}
}

func TestKeysIPAllocatesOnce(t *testing.T) {
	k := ratelimit.NewKeys([]byte("secret"))
	if n := testing.AllocsPerRun(100, func() { k.IP("click", "203.0.113.7") }); n > 1 {
		t.Fatalf("%v allocations per IPv4 key, want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { k.IP("click", "2001:db8::1") }); n > 1 {
		t.Fatalf("%v allocations per IPv6 key, want 1", n)
	}
}

func BenchmarkKeysIP(b *testing.B) {
	k := ratelimit.NewKeys([]byte("secret"))
	b.ReportAllocs()
	for b.Loop() {
		k.IP("click", "203.0.113.7")
	}
}
