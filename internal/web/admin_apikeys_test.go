package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// newKeyInPage finds the key a create page shows once.
var newKeyInPage = regexp.MustCompile(`id="new-api-key" class="mono" value="(rhk_[A-Z0-9]+)"`)

// TestAdminAPIKeys makes a key on the admin page, which shows it once and
// then only its hint; the key works until it is revoked there; bad input
// keeps the form; both steps are in the audit log.
func TestAdminAPIKeys(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		admin := adminBrowser(t, s)
		if resp, body := admin.get("/admin/api-keys"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "No API keys yet.") ||
			!strings.Contains(body, `href="/admin/api-keys" aria-current="page"`) {
			t.Fatalf("empty page: %d\n%s", resp.StatusCode, body)
		}
		resp, body := admin.post("/admin/api-keys", url.Values{"name": {""}, "scope": {"admin"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="name-error"`) ||
			!strings.Contains(body, `id="scope-error"`) || newKeyInPage.MatchString(body) {
			t.Fatalf("bad input: %d\n%s", resp.StatusCode, body)
		}
		resp, body = admin.post("/admin/api-keys", url.Values{"name": {"shop <backend>"}, "scope": {"write"}})
		m := newKeyInPage.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusOK || m == nil || !strings.Contains(body, "shop &lt;backend&gt;") ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: %d\n%s", resp.StatusCode, body)
		}
		secret := m[1]
		k, err := s.svc.AuthenticateAPIKey(ctx, secret)
		if err != nil || k.Scope != "write" || k.Name != "shop <backend>" {
			t.Fatalf("the new key: %+v %v", k, err)
		}
		_, body = admin.get("/admin/api-keys")
		if strings.Contains(body, secret) || !strings.Contains(body, secret[:12]+"…") || !strings.Contains(body, "by root") {
			t.Fatalf("the list shows the key again, or not its hint:\n%s", body)
		}
		id := strconv.FormatInt(k.ID, 10)
		resp, _ = admin.post("/admin/api-keys/"+id+"/revoke", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/api-keys?revoked="+id {
			t.Fatalf("revoke: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = admin.get("/admin/api-keys?revoked=" + id)
		if !strings.Contains(body, `id="api-keys-notice"`) || !strings.Contains(body, "revoked ") ||
			strings.Contains(body, `action="/admin/api-keys/`+id+`/revoke"`) {
			t.Fatalf("after revoking:\n%s", body)
		}
		if _, err := s.svc.AuthenticateAPIKey(ctx, secret); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Fatalf("a revoked key works: %v", err)
		}
		if resp, _ := admin.post("/admin/api-keys/999/revoke", url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("revoking no key: %d", resp.StatusCode)
		}
		assertAudited(t, admin, "api_key.create", "api key "+id, "shop <backend> (write)")
		assertAudited(t, admin, "api_key.revoke", "api key "+id, "shop <backend>")
	})
}

// TestAPIKeysAreHiddenFromOthers: visitors and users get 404 on every
// API key route, and a post from them makes or revokes nothing.
func TestAPIKeysAreHiddenFromOthers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newSite(t, db)
		admin := adminBrowser(t, s)
		_, body := admin.post("/admin/api-keys", url.Values{"name": {"kept"}, "scope": {"read"}})
		secret := newKeyInPage.FindStringSubmatch(body)[1]
		user := s.browser(t)
		user.signup("alice")
		for _, b := range []*browser{s.browser(t), user} {
			for _, req := range []struct {
				method, path string
			}{{"GET", "/admin/api-keys"}, {"POST", "/admin/api-keys"}, {"POST", "/admin/api-keys/1/revoke"}} {
				var resp *http.Response
				if req.method == "GET" {
					resp, body = b.get(req.path)
				} else {
					resp, body = b.post(req.path, url.Values{"name": {"mine"}, "scope": {"write"}})
				}
				if resp.StatusCode != http.StatusNotFound || newKeyInPage.MatchString(body) {
					t.Errorf("%s %s: %d", req.method, req.path, resp.StatusCode)
				}
			}
		}
		keys, err := s.svc.APIKeys(context.Background(), referralhub.User{IsAdmin: true})
		if err != nil || len(keys) != 1 || !keys[0].RevokedAt.IsZero() {
			t.Fatalf("keys = %+v, %v", keys, err)
		}
		if _, err := s.svc.AuthenticateAPIKey(context.Background(), secret); err != nil {
			t.Fatalf("the admin's key: %v", err)
		}
	})
}

// TestAPIWithoutHandlerAnswersJSON404: a site wired without the API
// answers its paths with the API's error shape.
func TestAPIWithoutHandlerAnswersJSON404(t *testing.T) {
	s := newSite(t, storagetest.Open(t, "sqlite"))
	resp, body := s.browser(t).get("/api/v1/stats")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
		!strings.Contains(body, `{"error":{"code":"not_found"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}
