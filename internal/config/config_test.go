package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c, _, err := Load(fs, args, func(k string) string { return env[k] })
	return c, err
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.BaseURL != "http://127.0.0.1:8080" || c.DatabaseURL != "sqlite:data/referralhub.db" ||
		c.PointsPerReferral != 10 || c.AttributionWindow != 720*time.Hour || c.Env != "development" || c.LogFormat != "text" ||
		c.DataDir != "data" || c.ClickSpoolBytes != 2<<30 {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	c, err := load(t, map[string]string{"REFERRALHUB_ADDR": "127.0.0.1:9000"}, "-addr", "127.0.0.1:9001")
	if err != nil || c.Addr != "127.0.0.1:9001" {
		t.Fatalf("addr = %q, err %v", c.Addr, err)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	for env, v := range map[string]string{
		"REFERRALHUB_ADDR":                "nope",
		"REFERRALHUB_BASE_URL":            "ftp://x",
		"REFERRALHUB_DATABASE_URL":        "mysql://x",
		"REFERRALHUB_DATABASE_READ_URL":   "sqlite:replica.db",
		"REFERRALHUB_ENV":                 "staging",
		"REFERRALHUB_POINTS_PER_REFERRAL": "ten",
		"REFERRALHUB_ATTRIBUTION_WINDOW":  "forever",
		"REFERRALHUB_LOG_FORMAT":          "xml",
		"REFERRALHUB_CLICK_SPOOL_MB":      "lots",
	} {
		_, err := load(t, map[string]string{env: v})
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%q: err = %v, want one naming the variable", env, v, err)
		}
	}
}

func TestProductionRequiresSecretAndBaseURL(t *testing.T) {
	if _, err := load(t, map[string]string{"REFERRALHUB_ENV": "production", "REFERRALHUB_BASE_URL": "https://x.example"}); err == nil ||
		!strings.Contains(err.Error(), "REFERRALHUB_SECRET_KEY") {
		t.Fatalf("err = %v, want secret required", err)
	}
	prod := map[string]string{"REFERRALHUB_ENV": "production", "REFERRALHUB_SECRET_KEY": strings.Repeat("k", 32)}
	_, err := load(t, prod)
	if err == nil || !strings.Contains(err.Error(), "REFERRALHUB_BASE_URL") {
		t.Fatalf("err = %v, want base URL required", err)
	}
	if c, err := load(t, prod, "-base-url", "https://refer.example.com"); err != nil || c.BaseURL != "https://refer.example.com" {
		t.Fatalf("base URL by flag in production: %+v, %v", c.BaseURL, err)
	}
}

func TestDevelopmentSecretIsGeneratedOnceWithMode0600(t *testing.T) {
	c := Config{Env: "development", DataDir: filepath.Join(t.TempDir(), "data")}
	first, err := c.LoadSecret()
	if err != nil || len(first) < minSecretLen {
		t.Fatalf("secret %q, err %v", first, err)
	}
	info, err := os.Stat(filepath.Join(c.DataDir, secretFileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode = %v, err %v", info.Mode(), err)
	}
	second, _ := c.LoadSecret()
	if string(first) != string(second) {
		t.Fatal("secret changed between runs")
	}
	if _, err := (Config{SecretKey: "short"}).LoadSecret(); err == nil {
		t.Fatal("short secret accepted")
	}
}

func TestWebhookAllowPrivate(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.WebhookAllowPrivate {
		t.Fatalf("default: %v, %v; want private addresses refused", c.WebhookAllowPrivate, err)
	}
	if c, err := load(t, map[string]string{"REFERRALHUB_WEBHOOK_ALLOW_PRIVATE": "true"}); err != nil || !c.WebhookAllowPrivate {
		t.Fatalf("true: %v, %v", c.WebhookAllowPrivate, err)
	}
	if _, err := load(t, map[string]string{"REFERRALHUB_WEBHOOK_ALLOW_PRIVATE": "yes"}); err == nil ||
		!strings.Contains(err.Error(), "REFERRALHUB_WEBHOOK_ALLOW_PRIVATE: must be true or false") {
		t.Fatalf("yes: %v", err)
	}
}

func TestProductionRefusesAnHTTPBaseURL(t *testing.T) {
	prod := map[string]string{"REFERRALHUB_ENV": "production", "REFERRALHUB_SECRET_KEY": strings.Repeat("k", 32),
		"REFERRALHUB_BASE_URL": "http://refer.example.com"}
	_, err := load(t, prod)
	if err == nil || !strings.HasPrefix(err.Error(), "REFERRALHUB_BASE_URL: http://refer.example.com is http:// in production") ||
		!strings.Contains(err.Error(), "REFERRALHUB_ALLOW_HTTP_BASE_URL=true") {
		t.Fatalf("err = %v, want a refusal naming REFERRALHUB_BASE_URL and the way out", err)
	}
	prod["REFERRALHUB_ALLOW_HTTP_BASE_URL"] = "true"
	c, err := load(t, prod)
	if err != nil || c.HSTS() {
		t.Fatalf("allowed http: %v, HSTS %v", err, c.HSTS())
	}
	prod["REFERRALHUB_BASE_URL"] = "https://refer.example.com"
	if c, err := load(t, prod); err != nil || !c.HSTS() {
		t.Fatalf("https in production: %v, HSTS %v; want HSTS", err, c.HSTS())
	}
	dev, err := load(t, map[string]string{"REFERRALHUB_BASE_URL": "https://refer.example.com"})
	if err != nil || dev.HSTS() {
		t.Fatalf("https in development: %v, HSTS %v; want none", err, dev.HSTS())
	}
	if c, err := load(t, map[string]string{"REFERRALHUB_BASE_URL": "http://refer.example.com"}); err != nil || c.BaseURL != "http://refer.example.com" {
		t.Fatalf("http in development: %v", err)
	}
}

// TestReadURLNeedsPostgres: a read replica is taken beside a PostgreSQL
// database only.
func TestReadURLNeedsPostgres(t *testing.T) {
	read := "postgres://postgres@127.0.0.1:5433/app"
	if _, err := load(t, map[string]string{"REFERRALHUB_DATABASE_READ_URL": read}); err == nil ||
		!strings.Contains(err.Error(), "REFERRALHUB_DATABASE_READ_URL") {
		t.Fatalf("beside SQLite: err = %v, want one naming the variable", err)
	}
	c, err := load(t, map[string]string{"REFERRALHUB_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/app",
		"REFERRALHUB_DATABASE_READ_URL": read})
	if err != nil || c.DatabaseReadURL != read {
		t.Fatalf("beside PostgreSQL: %q, %v", c.DatabaseReadURL, err)
	}
}
