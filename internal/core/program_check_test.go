package core_test

import (
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// TestValidateProgramRedirectHosts checks the allowed redirect hosts: host
// names, and "*." patterns of at least two labels, each lower-case ASCII.
func TestValidateProgramRedirectHosts(t *testing.T) {
	valid := func(hosts ...string) error {
		p := core.DefaultProgram(core.DefaultSettings())
		p.AllowedRedirectHosts = hosts
		return core.ValidateProgram(p)
	}
	if err := valid(); err != nil {
		t.Fatalf("no hosts: %v", err)
	}
	for _, h := range []string{"shop.example.com", "localhost", "*.example.com", "*.a.b.example", "xn--shp-sna.example",
		"127.0.0.1", "a-b.example", strings.Repeat("a", 63) + ".example"} {
		if err := valid(h); err != nil {
			t.Errorf("%q refused: %v", h, err)
		}
	}
	for _, h := range []string{"", "*", "*.", "*.com", "**.example.com", "*example.com", "shop.*.example", "Shop.example",
		"https://shop.example", "shop.example/", "shop.example:443", "shop.example.", ".shop.example", "shop..example",
		"-shop.example", "shop-.example", "shop_1.example", "shöp.example", "shop example", "u@shop.example",
		"[::1]", strings.Repeat("a", 64) + ".example", strings.Repeat("a.", 127) + "example"} {
		fields := referralhub.ErrorFields(valid("fine.example", h))
		if fields["redirect_hosts"] == "" || len(fields) != 1 {
			t.Errorf("%q: field errors %v, want one on redirect_hosts", h, fields)
		}
	}
	many := make([]string, core.MaxRedirectHosts+1)
	for i := range many {
		many[i] = "shop.example"
	}
	if referralhub.ErrorFields(valid(many...))["redirect_hosts"] == "" {
		t.Errorf("%d hosts accepted", len(many))
	}
}
