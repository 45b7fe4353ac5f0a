package config

import "testing"

// TestDevelopmentBaseURLIsTheListenAddress: with no REFERRALHUB_BASE_URL,
// development links point where the server listens, a wildcard host shown
// as localhost.
func TestDevelopmentBaseURLIsTheListenAddress(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:18100": "http://127.0.0.1:18100",
		"0.0.0.0:8080":    "http://localhost:8080",
		"[::]:9000":       "http://localhost:9000",
		":8081":           "http://localhost:8081",
		"[::1]:8082":      "http://[::1]:8082",
		"refer.test:80":   "http://refer.test:80",
	} {
		c, err := load(t, map[string]string{"REFERRALHUB_ADDR": addr})
		if err != nil || c.BaseURL != want || !c.BaseURLFromAddr {
			t.Errorf("REFERRALHUB_ADDR=%s: base URL %q (from addr %v), err %v; want %q", addr, c.BaseURL, c.BaseURLFromAddr, err, want)
		}
	}
	c, err := load(t, nil, "-addr", "127.0.0.1:9001")
	if err != nil || c.BaseURL != "http://127.0.0.1:9001" {
		t.Errorf("-addr 127.0.0.1:9001: base URL %q, err %v", c.BaseURL, err)
	}
}

func TestAGivenBaseURLIsKept(t *testing.T) {
	env := map[string]string{"REFERRALHUB_ADDR": "0.0.0.0:8080", "REFERRALHUB_BASE_URL": "https://refer.example.com/"}
	c, err := load(t, env)
	if err != nil || c.BaseURL != "https://refer.example.com" || c.BaseURLFromAddr {
		t.Fatalf("base URL %q (from addr %v), err %v", c.BaseURL, c.BaseURLFromAddr, err)
	}
	if got := c.ForListener("[::]:8080").BaseURL; got != "https://refer.example.com" {
		t.Fatalf("ForListener changed a given base URL to %q", got)
	}
	c, err = load(t, map[string]string{"REFERRALHUB_ADDR": "0.0.0.0:8080"}, "-base-url", "http://shop.test:8080")
	if err != nil || c.BaseURL != "http://shop.test:8080" {
		t.Fatalf("-base-url: %q, err %v", c.BaseURL, err)
	}
}

// TestForListenerFillsInPortZero: a server asked to take any free port
// (port 0) has links to the port it got; a fixed port is left alone.
func TestForListenerFillsInPortZero(t *testing.T) {
	c, err := load(t, map[string]string{"REFERRALHUB_ADDR": "127.0.0.1:0"})
	if err != nil || c.BaseURL != "http://127.0.0.1:0" {
		t.Fatalf("base URL %q, err %v", c.BaseURL, err)
	}
	if got := c.ForListener("127.0.0.1:43210").BaseURL; got != "http://127.0.0.1:43210" {
		t.Errorf("port 0 listening on 127.0.0.1:43210: base URL %q", got)
	}
	c, _ = load(t, map[string]string{"REFERRALHUB_ADDR": "0.0.0.0:0"})
	if got := c.ForListener("[::]:43211").BaseURL; got != "http://localhost:43211" {
		t.Errorf("0.0.0.0:0 listening on [::]:43211: base URL %q", got)
	}
	c, _ = load(t, map[string]string{"REFERRALHUB_ADDR": "127.0.0.1:8080"})
	if got := c.ForListener("127.0.0.1:8080").BaseURL; got != "http://127.0.0.1:8080" {
		t.Errorf("fixed port: base URL %q", got)
	}
}

func TestFromEnvReadsWhatLoadReads(t *testing.T) {
	env := map[string]string{"REFERRALHUB_ADDR": "127.0.0.1:18100", "REFERRALHUB_POINTS_PER_REFERRAL": "7"}
	want, err := load(t, env)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FromEnv(func(k string) string { return env[k] })
	if err != nil || got.BaseURL != want.BaseURL || got.PointsPerReferral != 7 || got.Addr != want.Addr {
		t.Fatalf("FromEnv = %+v, %v; want %+v", got, err, want)
	}
	if _, err := FromEnv(func(k string) string { return map[string]string{"REFERRALHUB_ENV": "production"}[k] }); err == nil {
		t.Fatal("FromEnv accepted production without a secret key or base URL")
	}
}
