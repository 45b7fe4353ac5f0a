package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestAPIKeyCreate makes a key from the command line, which prints it
// alone on stdout, then uses it against the API of the real server.
func TestAPIKeyCreate(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		getenv := testEnv(t, engine, nil)
		cli := func(args ...string) (string, string, error) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), args, getenv, &out, &errOut)
			return out.String(), errOut.String(), err
		}
		if _, _, err := cli("api-key"); err == nil || !strings.Contains(err.Error(), "api-key create") {
			t.Fatalf("no subcommand: %v", err)
		}
		if _, _, err := cli("api-key", "create", "--name", "x", "--scope", "admin"); err == nil || !strings.Contains(err.Error(), "--scope") {
			t.Fatalf("bad scope: %v", err)
		}
		out, errOut, err := cli("api-key", "create", "--name", "shop backend", "--scope", "write")
		key := strings.TrimSuffix(out, "\n")
		if err != nil || !strings.HasPrefix(key, "rhk_") || strings.ContainsAny(key, " \n") || !strings.Contains(errOut, `"shop backend" (write)`) {
			t.Fatalf("create: %q %q %v", out, errOut, err)
		}
		base, stop := startServe(t, getenv)
		defer stop()
		call := func(method, path, body, key string) (int, string) {
			req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+key)
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		status, body := call("POST", "/api/v1/participants", `{"external_id":"u1"}`, key)
		var p struct {
			ReferralLink string `json:"referral_link"`
		}
		if status != http.StatusCreated || json.Unmarshal([]byte(body), &p) != nil || !strings.HasPrefix(p.ReferralLink, "http") {
			t.Fatalf("with the key: %d %s", status, body)
		}
		if status, body := call("GET", "/api/v1/stats", "", key+"x"); status != http.StatusUnauthorized {
			t.Fatalf("with a wrong key: %d %s", status, body)
		}
	})
}
