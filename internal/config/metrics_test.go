package config

import (
	"strings"
	"testing"
)

func TestMetricsSettings(t *testing.T) {
	c, err := load(t, nil)
	if err != nil || c.MetricsToken != "" || c.MetricsAddr != "" {
		t.Fatalf("default metrics: %q %q, %v", c.MetricsToken, c.MetricsAddr, err)
	}
	token := "a-metrics-token-long-enough"
	c, err = load(t, map[string]string{"REFERRALHUB_METRICS_TOKEN": token}, "-metrics-addr", "127.0.0.1:9090")
	if err != nil || c.MetricsToken != token || c.MetricsAddr != "127.0.0.1:9090" {
		t.Fatalf("metrics: %q %q, %v", c.MetricsToken, c.MetricsAddr, err)
	}
	if _, err := load(t, map[string]string{"REFERRALHUB_METRICS_ADDR": "127.0.0.1:0", "REFERRALHUB_ADDR": "127.0.0.1:0"}); err != nil {
		t.Fatalf("port 0 twice: %v", err)
	}
}

func TestInvalidMetricsSettings(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		problem string
	}{
		{map[string]string{"REFERRALHUB_METRICS_TOKEN": "short"}, "REFERRALHUB_METRICS_TOKEN"},
		{map[string]string{"REFERRALHUB_METRICS_TOKEN": "has a space in the token"}, "REFERRALHUB_METRICS_TOKEN"},
		{map[string]string{"REFERRALHUB_METRICS_ADDR": "9090"}, "REFERRALHUB_METRICS_ADDR"},
		{map[string]string{"REFERRALHUB_METRICS_ADDR": "127.0.0.1:8080"}, "must differ from REFERRALHUB_ADDR"},
	} {
		_, err := load(t, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.problem) {
			t.Errorf("%v: err = %v, want %q", tc.env, err, tc.problem)
		}
		if v := tc.env["REFERRALHUB_METRICS_TOKEN"]; v != "" && err != nil && strings.Contains(err.Error(), v) {
			t.Errorf("the error shows the token: %v", err)
		}
	}
}
