package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// TestDevelopmentLinksPointAtTheServer: with only REFERRALHUB_ADDR set
// (port 0, any free port), the dashboard's referral link points at the
// address the server got, not at a default elsewhere.
func TestDevelopmentLinksPointAtTheServer(t *testing.T) {
	getenv := testEnv(t, "sqlite", nil)
	if getenv("REFERRALHUB_BASE_URL") != "" || getenv("REFERRALHUB_ADDR") != "127.0.0.1:0" {
		t.Fatal("testEnv sets a base URL or a fixed address")
	}
	base, stop := startServe(t, getenv)
	defer stop()
	jar, _ := cookiejar.New(nil)
	resp, err := (&http.Client{Jar: jar}).PostForm(base+"/signup",
		url.Values{"email": {"b@example.com"}, "username": {"bea"}, "password": {"password123"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), base+"/r/") {
		t.Fatalf("the dashboard has no link starting %s/r/ (status %d)", base, resp.StatusCode)
	}
}
