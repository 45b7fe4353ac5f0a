package deploy

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// alertRules is what the test reads of a Prometheus rules file.
type alertRules struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// TestAlertRulesAreWellFormed reads prometheus/alerts.yml strictly: one
// group of uniquely named alerts, each with an expression on ReferralHub's
// metrics and a summary. CI also runs `promtool check rules` on it (the
// promtool step of .ci/run), which parses every expression; so does this
// test when promtool is on PATH.
func TestAlertRulesAreWellFormed(t *testing.T) {
	b, err := os.ReadFile("prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules alertRules
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&rules); err != nil {
		t.Fatalf("prometheus/alerts.yml: %v", err)
	}
	if len(rules.Groups) != 1 || len(rules.Groups[0].Rules) < 8 {
		t.Fatalf("groups = %+v, want one group of the rules", rules.Groups)
	}
	seen := map[string]bool{}
	for _, r := range rules.Groups[0].Rules {
		if !strings.HasPrefix(r.Alert, "ReferralHub") || seen[r.Alert] || !strings.Contains(r.Expr, "referralhub_") ||
			r.Annotations["summary"] == "" {
			t.Errorf("rule %+v: want a unique ReferralHub* alert on referralhub_ metrics with a summary", r)
		}
		seen[r.Alert] = true
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool is not on PATH: the expressions are checked by .ci/run's promtool step")
		return
	}
	if out, err := exec.Command(promtool, "check", "rules", "prometheus/alerts.yml").CombinedOutput(); err != nil {
		t.Errorf("promtool check rules: %v\n%s", err, out)
	}
}
