package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unitKeys reads the unit's Key=Value lines; a key set twice keeps all
// its values.
func unitKeys(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("referralhub.service")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' || l[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("referralhub.service: not Key=Value: %q", l)
		}
		keys[k] = append(keys[k], v)
	}
	return keys
}

// TestSystemdUnitHardening: the unit runs as its own user with the
// hardening options set, reads its settings from a file and migrates
// before it serves.
func TestSystemdUnitHardening(t *testing.T) {
	keys := unitKeys(t)
	for k, want := range map[string]string{
		"DynamicUser": "yes", "StateDirectory": "referralhub", "ProtectSystem": "strict", "ProtectHome": "yes",
		"PrivateTmp": "yes", "PrivateDevices": "yes", "NoNewPrivileges": "yes", "CapabilityBoundingSet": "",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "SystemCallFilter": "@system-service",
		"MemoryDenyWriteExecute": "yes", "RestrictNamespaces": "yes", "RestrictSUIDSGID": "yes",
		"LockPersonality": "yes", "ProtectKernelTunables": "yes", "ProtectControlGroups": "yes",
		"SystemCallArchitectures": "native", "EnvironmentFile": "/etc/referralhub/referralhub.env",
		"ExecStartPre": "/usr/local/bin/referralhub migrate", "ExecStart": "/usr/local/bin/referralhub serve",
	} {
		if got, ok := keys[k]; !ok || got[0] != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

// TestSystemdUnitVerifies runs systemd-analyze verify on the unit, with the
// binary swapped for one that exists here, and fails on any complaint
// (an unknown key is only a warning to systemd).
func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	trueBin, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1)")
	}
	b, err := os.ReadFile("referralhub.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), "referralhub.service")
	if err := os.WriteFile(unit, []byte(strings.ReplaceAll(string(b), "/usr/local/bin/referralhub", trueBin)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", unit).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
